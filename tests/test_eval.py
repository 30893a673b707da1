"""The answers over the evaluation set stay above a floor, in Chinese and in English alike."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.knowledge.evaluation import evaluate, load_questions, mean
from tests.test_knowledge import make_answerer

EVAL_FILE = Path(__file__).parent / "data" / "qa_eval.jsonl"
ANSWER_SCORE_FLOOR = 0.85
OFF_TOPIC_FLOOR = 1.0


@pytest.fixture(scope="module")
def results():
    return evaluate(
        make_answerer(),
        load_questions(EVAL_FILE),
        "Asia/Shanghai",
        datetime(2024, 5, 20, tzinfo=UTC),
    )


def test_eval_set_is_balanced() -> None:
    questions = load_questions(EVAL_FILE)
    assert len(questions) >= 40
    languages = [q.language for q in questions]
    assert languages.count("zh") >= 20 and languages.count("en") >= 20
    assert sum(q.off_topic for q in questions if q.language == "zh") >= 3
    assert sum(q.off_topic for q in questions if q.language == "en") >= 3


@pytest.mark.parametrize("language", ["zh", "en"])
def test_answers_contain_the_expected_facts(results, language: str) -> None:
    on_topic = [r for r in results if not r.question.off_topic and r.question.language == language]
    score = mean([r.score for r in on_topic])
    failures = [
        (r.question.id, r.question.question, r.answer.text[:80]) for r in on_topic if r.score < 1
    ]
    assert score >= ANSWER_SCORE_FLOOR, failures


@pytest.mark.parametrize("language", ["zh", "en"])
def test_off_topic_questions_are_declined(results, language: str) -> None:
    off_topic = [r for r in results if r.question.off_topic and r.question.language == language]
    wrongly_answered = [r.question.question for r in off_topic if r.score < 1]
    assert mean([r.score for r in off_topic]) >= OFF_TOPIC_FLOOR, wrongly_answered


HELD_OUT_DIR = Path(__file__).parent / "data"
# Floors about one question under what the hybrid retrieval reaches on the never-tuned held-out
# sets today (README, bench/qa.py; one question moves a figure by 0.03-0.07); the issue's
# targets (0.95 answered, 1.00 declined) are not reached on all of them yet.
HELD_OUT_FLOORS = {
    # file: (answer score floor, must-decline floor), per language
    "qa_heldout.jsonl": (0.88, 0.85),
    "qa_heldout_2.jsonl": (0.88, 0.9),
    "qa_heldout_3.jsonl": (0.88, 0.8),
    "qa_heldout_4.jsonl": (0.9, 0.9),
    "qa_heldout_5.jsonl": (0.9, 0.85),
    "qa_heldout_6.jsonl": (0.9, 0.9),
    "qa_heldout_7.jsonl": (0.9, 0.9),
    "qa_heldout_8.jsonl": (0.9, 0.9),
    "qa_heldout_9.jsonl": (0.85, 0.9),
    "qa_heldout_10.jsonl": (0.88, 0.9),
    "qa_heldout_11.jsonl": (0.9, 0.8),
    "qa_heldout_12.jsonl": (0.9, 0.9),
    "qa_heldout_13.jsonl": (0.85, 0.8),
    "qa_heldout_14.jsonl": (0.85, 0.8),
    "qa_heldout_15.jsonl": (0.85, 0.9),
    "qa_heldout_16.jsonl": (0.88, 0.85),
    "qa_heldout_17.jsonl": (0.83, 0.85),
    "qa_heldout_18.jsonl": (0.88, 0.85),
    "qa_heldout_19.jsonl": (0.88, 0.8),
    "qa_heldout_20.jsonl": (0.85, 0.9),
    "qa_heldout_21.jsonl": (0.88, 0.85),
    "qa_heldout_22.jsonl": (0.88, 0.85),
    "qa_heldout_23.jsonl": (0.88, 0.85),
    "qa_heldout_24.jsonl": (0.85, 0.85),
    "qa_heldout_25.jsonl": (0.88, 0.88),
    "qa_heldout_26.jsonl": (0.9, 0.85),
    "qa_heldout_27.jsonl": (0.88, 0.88),
    "qa_heldout_28.jsonl": (0.9, 0.85),
    "qa_heldout_29.jsonl": (0.85, 0.9),
    "qa_heldout_30.jsonl": (0.9, 0.85),
    "qa_heldout_31.jsonl": (0.85, 0.9),
}


@pytest.fixture(scope="module")
def held_out_answerer():
    return make_answerer()


@pytest.mark.parametrize("file_name", sorted(HELD_OUT_FLOORS))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_held_out_questions_keep_their_floor(
    held_out_answerer, file_name: str, language: str
) -> None:
    questions = [q for q in load_questions(HELD_OUT_DIR / file_name) if q.language == language]
    assert all(q.held_out for q in questions)
    results = evaluate(
        held_out_answerer, questions, "Asia/Shanghai", datetime(2024, 5, 20, tzinfo=UTC)
    )
    answered = mean([r.score for r in results if not r.question.off_topic])
    declined = mean([r.score for r in results if r.question.off_topic])
    answer_floor, decline_floor = HELD_OUT_FLOORS[file_name]
    assert answered >= answer_floor and declined >= decline_floor, (answered, declined)
