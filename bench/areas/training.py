"""training: saving one answer during a spot test taken by the whole bureau at once.

Our way: 50 concurrent officers POST their answers to the real API endpoint
(/api/v1/training/attempts/{id}/answers/) served by gunicorn; the key figure is the server
time (Server-Timing) p95. Then the same 50 officers save answers through the endpoint their
browsers call (/training/attempts/{id}/answer/, session cookie and CSRF token, as the test
page's fetch() does): its server and client p95 are reported beside the API's. Beside them,
measured in this process one call after another on the same data: our service (one guarded
INSERT … ON CONFLICT statement), the naive ORM way a typical Django app would write (load the
attempt, check it in Python, load the question, update_or_create), and the raw lower bound
(the bare upsert through psycopg). Afterwards every answer the server acknowledged is checked
in the database (`answer_lost` must be 0).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date

from bench import lib

AREA = "training"
CLIENTS = 50
PER_CLIENT = lib.env_int("BENCH_TRAINING_PER_CLIENT", 40)
MAX_SECONDS = 90
SERIAL_CALLS = lib.env_int("BENCH_TRAINING_SERIAL_CALLS", 400)


def run(ctx: dict) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from org.demo import DEMO_BUREAU_CODE
    from org.models import Bureau, Unit, UnitKind
    from training import services
    from training.models import Answer, Attempt, AttemptStatus, Question

    bureau = Bureau.objects.get(code=DEMO_BUREAU_CODE)
    topics = services.topic_counts(bureau_id=bureau.pk)
    if not topics:
        raise RuntimeError("the bench database has no question bank: did the training seeder run?")
    rules = [{"topic": t, "count": min(n, 3)} for t, n in sorted(topics.items())][:5]
    units = list(
        Unit.objects.filter(bureau=bureau, kind__in=[UnitKind.STATION, UnitKind.BRIGADE]).values_list("id", flat=True)
    )
    test = services.spot_test_create(
        bureau_id=bureau.pk,
        title=f"bench {time.time():.0f}",
        rules=rules,
        held_on=date.today(),
        time_limit_minutes=120,
        question_seed=1,
    )
    # The whole bureau's case-handling officers are sent the test, as at an evening session.
    candidates = services.spot_test_sample(test=test, unit_ids=units, size=None, seed=1)
    services.spot_test_open(test=test)
    officers = [c.officer for c in test.candidates.select_related("officer").order_by("officer_id")]
    takers = officers[:CLIENTS]
    attempts = [services.attempt_start(test=test, officer=o) for o in takers]
    tokens = [Token.objects.get_or_create(user=o)[0].key for o in takers]
    questions = {q.pk: q for q in Question.objects.filter(pk__in={q for a in attempts for q in a.question_ids})}

    def choice_for(question: Question, rng: random.Random) -> str:
        if question.kind == "true_false":
            return rng.choice("TF")
        letters = "ABCDEFGH"[: len(question.options)]
        if question.kind == "single":
            return rng.choice(letters)
        return "".join(sorted(rng.sample(letters, rng.randint(1, len(letters)))))

    # --- our way, over HTTP: 50 concurrent clients ---
    acknowledged: dict[tuple[int, int], str] = {}
    rngs = [random.Random(i) for i in range(CLIENTS)]
    with lib.server(ctx, workers=max(4, (os.cpu_count() or 2) * 2), threads=1) as port:
        clients = [lib.Client(port, headers={"Authorization": f"Token {t}"}) for t in tokens]
        # one warm-up call per client: the connection, the worker's first import
        for i, client in enumerate(clients):
            a = attempts[i]
            client.request(
                "POST",
                f"/api/v1/training/attempts/{a.pk}/answers/",
                {
                    "question": a.question_ids[0],
                    "choice": "A" if questions[a.question_ids[0]].kind != "true_false" else "T",
                },
            )

        def call(index: int, n: int):
            attempt = attempts[index]
            qid = attempt.question_ids[n % len(attempt.question_ids)]
            choice = choice_for(questions[qid], rngs[index])
            status, client_ms, server_ms, _body = clients[index].request(
                "POST", f"/api/v1/training/attempts/{attempt.pk}/answers/", {"question": qid, "choice": choice}
            )
            if status == 204:
                acknowledged[(attempt.pk, qid)] = choice
            return status, client_ms, server_ms

        http = lib.run_concurrently(CLIENTS, call, per_client=PER_CLIENT, max_seconds=MAX_SECONDS)

        # --- the endpoint the officers' browsers really call: the test page's fetch() to
        # /training/attempts/<id>/answer/, with the session cookie and the CSRF token ---
        sessions = [lib.browser_session(o) for o in takers]
        browsers = [
            lib.Client(port, headers={"Cookie": cookie, "X-CSRFToken": token, "X-Requested-With": "fetch"})
            for cookie, token in sessions
        ]
        for i, client in enumerate(browsers):  # warm-up, as above
            a = attempts[i]
            qid = a.question_ids[0]
            first = [("question", str(qid)), *(("choice", c) for c in choice_for(questions[qid], rngs[i]))]
            status, *_ = client.request("POST", f"/training/attempts/{a.pk}/answer/", form=first)
            if status != 200:
                raise RuntimeError(f"the browser endpoint answered {status}: was the session or CSRF refused?")

        def browser_call(index: int, n: int):
            attempt = attempts[index]
            qid = attempt.question_ids[(n + 1) % len(attempt.question_ids)]
            choice = choice_for(questions[qid], rngs[index])
            status, client_ms, server_ms, _body = browsers[index].request(
                "POST",
                f"/training/attempts/{attempt.pk}/answer/",
                form=[("question", str(qid)), *(("choice", c) for c in choice)],
            )
            if status == 200:
                acknowledged[(attempt.pk, qid)] = choice
            return status, client_ms, server_ms

        browser = lib.run_concurrently(CLIENTS, browser_call, per_client=PER_CLIENT, max_seconds=MAX_SECONDS)

    saved = {
        (a, q): c
        for a, q, c in Answer.objects.filter(attempt__test=test).values_list("attempt_id", "question_id", "choice")
    }
    lost = sum(1 for key, choice in acknowledged.items() if saved.get(key) != choice)

    # --- side by side, in this process, one call after another ---
    officer = takers[0]
    attempt = attempts[0]
    rng = random.Random(7)

    def timed(fn) -> list[float]:
        out = []
        for n in range(SERIAL_CALLS):
            qid = attempt.question_ids[n % len(attempt.question_ids)]
            choice = choice_for(questions[qid], rng)
            started = time.perf_counter()
            with transaction.atomic():  # as ATOMIC_REQUESTS wraps a request
                fn(qid, choice)
            out.append((time.perf_counter() - started) * 1000)
        return out

    def ours(qid, choice):
        services.answer_save(attempt_id=attempt.pk, officer=officer, question_id=qid, choice=choice)

    def naive(qid, choice):
        # What a typical Django view does: several round trips and a read-modify-write.
        a = Attempt.objects.select_related("test").get(pk=attempt.pk, officer=officer)
        if a.status != AttemptStatus.IN_PROGRESS or a.deadline <= timezone.now():
            raise RuntimeError("closed")
        if qid not in a.question_ids:
            raise RuntimeError("not in test")
        question = Question.objects.get(pk=qid)
        if question.kind == "single" and len(choice) != 1:
            raise RuntimeError("bad choice")
        Answer.objects.update_or_create(
            attempt=a,
            question=question,
            defaults={"choice": choice, "answered_at": timezone.now(), "bureau_id": a.bureau_id},
        )

    raw_sql = (
        "INSERT INTO training_answer (bureau_id, attempt_id, question_id, choice, answered_at) "
        "VALUES (%s, %s, %s, %s, now()) ON CONFLICT (attempt_id, question_id) "
        "DO UPDATE SET choice = EXCLUDED.choice, answered_at = EXCLUDED.answered_at"
    )

    def raw(qid, choice):
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, [attempt.bureau_id, attempt.pk, qid, choice])

    serial = {}
    for name, fn in (("ours", ours), ("naive", naive), ("raw", raw)):
        timed(fn)  # warm-up
        serial[name] = timed(fn)

    def p95(values):
        return round(lib.percentile(values, 95), 2)

    return {
        "rows": Answer.objects.count(),
        "officers_sent_the_test": len(candidates),
        "clients": CLIENTS,
        "answer_p95_ms": http["server_ms"]["p95"],
        "answer_median_ms": http["server_ms"]["median"],
        "answer_client_p95_ms": http["client_ms"]["p95"],
        "answer_requests": http["requests"],
        "answer_errors": http["errors"],
        "answer_per_s": http["per_s"],
        "answer_lost": lost,
        # The same, through the browser endpoint (session + CSRF, as the test page saves).
        "answer_browser_p95_ms": browser["server_ms"]["p95"],
        "answer_browser_median_ms": browser["server_ms"]["median"],
        "answer_browser_client_p95_ms": browser["client_ms"]["p95"],
        "answer_browser_requests": browser["requests"],
        "answer_browser_errors": browser["errors"],
        "answer_browser_per_s": browser["per_s"],
        "answer_service_p95_ms": p95(serial["ours"]),
        "answer_service_median_ms": round(statistics.median(serial["ours"]), 2),
        "answer_naive_p95_ms": p95(serial["naive"]),
        "answer_naive_median_ms": round(statistics.median(serial["naive"]), 2),
        "answer_raw_p95_ms": p95(serial["raw"]),
        "answer_raw_median_ms": round(statistics.median(serial["raw"]), 2),
        "answer_naive_ratio": round(statistics.median(serial["naive"]) / statistics.median(serial["ours"]), 2),
        "answer_raw_ratio": round(statistics.median(serial["ours"]) / statistics.median(serial["raw"]), 2),
        "serial_calls": SERIAL_CALLS,
        "note": "answer_p95_ms: server time (Server-Timing) over HTTP at 50 concurrent clients, through the API "
        "with a token; answer_browser_*: the same through the page's endpoint with a session cookie and CSRF; "
        "*_client_p95_ms: as the client waited (gunicorn's queue included); "
        "*_service/_naive/_raw: in-process, one call after another, each in a transaction.",
        "http": http,
        "http_browser": browser,
    }
