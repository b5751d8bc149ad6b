from __future__ import annotations

import factory

from training.models import Question, QuestionKind


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    bureau = None
    kind = QuestionKind.SINGLE
    text = factory.Sequence(lambda n: f"第{n}题：依照刑事诉讼法，下列说法正确的是？")
    options = factory.LazyAttribute(
        lambda o: [] if o.kind == QuestionKind.TRUE_FALSE else ["选项甲", "选项乙", "选项丙", "选项丁"]
    )
    answer = factory.LazyAttribute(lambda o: {"single": "A", "multiple": "AC", "true_false": "T"}[o.kind])
    law = "刑事诉讼法"
    topic = "强制措施"


def question_bank(bureau, *, topic: str = "强制措施", n: int = 5, kind: str = QuestionKind.SINGLE) -> list[Question]:
    return [QuestionFactory(bureau=bureau, topic=topic, kind=kind) for _ in range(n)]
