from bot import training


def make_project(root):
    (root / "bot" / "domain").mkdir(parents=True)
    (root / "bot" / "nlu").mkdir(parents=True)
    (root / "nlu_data").mkdir()
    (root / "config.yml").write_text("language: zh\n")
    (root / "bot" / "domain" / "a.yml").write_text("intents: [greet]\n")
    (root / "nlu_data" / "nlu.yml").write_text("nlu: []\n")
    (root / "requirements.lock").write_text("rasa==3.6.21\n")


def test_fingerprint_follows_every_input(tmp_path, monkeypatch):
    make_project(tmp_path)
    monkeypatch.setattr(training, "ROOT", tmp_path)
    first = training.fingerprint()
    assert training.fingerprint() == first  # stable
    (tmp_path / "nlu_data" / "nlu.yml").write_text("nlu: [x]\n")
    second = training.fingerprint()
    assert second != first
    (tmp_path / "bot" / "nlu" / "component.py").write_text("# new component\n")
    assert training.fingerprint() != second
    pycache = tmp_path / "bot" / "nlu" / "__pycache__"
    pycache.mkdir()
    third = training.fingerprint()
    (pycache / "component.pyc").write_bytes(b"\x00")
    assert training.fingerprint() == third  # bytecode does not count
