"""FAQ_ANSWERS_FILE (bot/settings.py): the answers Rasa composes from and the console edits."""
from __future__ import annotations

import shutil

import pytest

from bot.faq.answer_checks import facts_file
from bot.faq.answers import ANSWERS_FILE
from bot.settings import Settings, SettingsError


def test_the_shipped_file_by_default():
    assert Settings.from_env({}).faq_answers_file == ANSWERS_FILE


def test_a_copy_with_its_facts_beside_it(tmp_path):
    copy = tmp_path / "answers.yml"
    shutil.copy(ANSWERS_FILE, copy)
    shutil.copy(facts_file(ANSWERS_FILE), facts_file(copy))
    assert Settings.from_env({"FAQ_ANSWERS_FILE": str(copy)}).faq_answers_file == copy


def test_a_missing_file_or_missing_facts_names_the_variable(tmp_path):
    alone = tmp_path / "answers.yml"
    shutil.copy(ANSWERS_FILE, alone)
    for value in (str(tmp_path / "nowhere.yml"), str(tmp_path), str(alone)):
        with pytest.raises(SettingsError, match="FAQ_ANSWERS_FILE"):
            Settings.from_env({"FAQ_ANSWERS_FILE": value})
