"""The core, the console and the actions reach workers only through bot/worker_channels.py:
no module outside channels/ (and the tests of channels) imports a channel."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ("bot", "actions")  # benchmarks drive the simulators, the outside world


def channel_imports(path: Path) -> list:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "channels"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "channels":
            found.append(node.module)
    return found


def test_no_module_outside_channels_imports_a_channel():
    offenders = {}
    for folder in CORE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            imports = channel_imports(path)
            if imports:
                offenders[str(path.relative_to(ROOT))] = imports
    assert offenders == {}


def test_the_scan_sees_every_form_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import channels.wechat\nfrom channels.hotline import x\nfrom bot import channels\n"
                      "def f():\n    import channels\n", encoding="utf-8")
    assert channel_imports(sample) == ["channels.wechat", "channels.hotline", "channels"]


def test_every_channel_registers_itself():
    from bot.settings import Settings
    from bot.worker_channels import WorkerChannels, load_channel_plugins

    assert {"wechat", "hotline"} <= set(load_channel_plugins())
    channels = WorkerChannels(Settings.from_env())
    assert channels.of("oAbCdEfGhIjK_openid").name == "wechat"
    assert channels.of("hotline-c-3f9a").name == "hotline"
    assert channels.of("") is None


def test_a_call_id_becomes_a_worker_id_the_appeal_store_accepts():
    from bot.appeals import validation
    from channels.hotline.worker_channel import sender_id

    for call_id in ("fs-3f9a", "a.b:c/d", "x" * 80):
        assert validation.identifier(sender_id(call_id), "openid").startswith("hotline-")
    assert sender_id("a.b") != sender_id("a:b")
