"""The browser side of training: thin views over services and scoped selectors."""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from org.errors import Conflict
from org.models import Role
from org.params import positive_int
from org.security import record_export
from org.selectors import officers_for, units_for
from training import selectors, services
from training.forms import (
    CaseReviewForm,
    CompetitionForm,
    CompetitionRoundForm,
    CompetitionScoreForm,
    CompetitionTeamForm,
    GuidanceForm,
    PeriodForm,
    QualificationForm,
    SampleForm,
    SessionForm,
    TalentForm,
    TestForm,
    UploadForm,
)
from training.models import (
    Answer,
    AttemptStatus,
    AttendanceStatus,
    GuidanceCategory,
    QualificationKind,
    Question,
    SessionKind,
    TalentProfile,
    TestStatus,
)
from training.services import TrainingRefused, can_manage
from training.xlsx import XLSX_CONTENT_TYPE, ImportRefused, workbook_response_bytes

# Who reads the results of officers (their own results every officer sees on the training home).
RESULT_ROLES = (Role.UNIT_LEADER, Role.LEGAL_OFFICER, Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN)


def manager_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def results_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role not in RESULT_ROLES and not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def xlsx_response(filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    response = HttpResponse(workbook_response_bytes(title, headers, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _page(request, queryset, size: int = 50):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- Home ----------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    attempts = selectors.my_attempts(user).order_by("-started_at")
    for attempt in attempts.filter(status=AttemptStatus.IN_PROGRESS):
        services.attempt_expire_if_due(attempt=attempt)
    return render(
        request,
        "training/home.html",
        {
            "open_tests": selectors.my_open_tests(user),
            "attempts": attempts[:20],
            "attendance": selectors.my_attendance(user).order_by("-session__held_on")[:20],
            "qualifications": user.qualifications.filter(bureau_id=user.bureau_id),
            "reminders": selectors.reminders_for(user).filter(officer_id=user.pk),
            "expired_reminders": selectors.expired_reminders_for(user).filter(officer_id=user.pk),
            "can_manage": can_manage(user),
        },
    )


@login_required
@require_POST
def reminders_read(request):
    services.reminders_mark_read(officer=request.user)
    return redirect("training:home")


# --- Sessions ------------------------------------------------------------------------------


@login_required
def session_list(request):
    sessions = (
        selectors.sessions_for(request.user)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
            recorded=Count("attendance"),
        )
        .order_by("-held_on", "-id")
    )
    kind = request.GET.get("kind")
    if kind in SessionKind.values:
        sessions = sessions.filter(kind=kind)
    return render(
        request,
        "training/session_list.html",
        {
            "page": _page(request, sessions),
            "kinds": SessionKind.choices,
            "kind": kind,
            "can_manage": can_manage(request.user),
        },
    )


@manager_required
def session_create(request):
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        session = services.session_create(
            bureau_id=request.user.bureau_id,
            kind=form.cleaned_data["kind"],
            topic=form.cleaned_data["topic"],
            held_on=form.cleaned_data["held_on"],
            organiser=request.user,
            unit_ids=[u.pk for u in form.cleaned_data["units"]],
            materials=form.cleaned_data["materials"],
        )
        messages.success(request, _("The session was recorded. Take the attendance now."))
        return redirect("training:session", pk=session.pk)
    return render(request, "training/form.html", {"form": form, "title": _("New training session")})


@login_required
def session_detail(request, pk: int):
    session = get_object_or_404(selectors.sessions_for(request.user), pk=pk)
    attendance = (
        selectors.attendance_for(request.user).filter(session=session).order_by("unit__code", "officer__police_number")
    )
    manage = can_manage(request.user)
    roster = services.session_roster(session=session) if manage else None
    recorded = {a.officer_id: a.status for a in attendance}
    present_ids = {k for k, v in recorded.items() if v == AttendanceStatus.PRESENT}
    excused_ids = {k for k, v in recorded.items() if v == AttendanceStatus.EXCUSED}
    version = session.version
    if manage and request.method == "POST":
        present = [i for i in map(positive_int, request.POST.getlist("present")) if i is not None]
        excused = [i for i in map(positive_int, request.POST.getlist("excused")) if i is not None]
        seen = positive_int(request.POST.get("version"))
        try:
            n = services.attendance_record(
                session=session,
                present_ids=present,
                excused_ids=excused,
                expected_version=seen,
            )
        except Conflict as exc:
            # The page again with this user's ticks, still at the version they opened: nothing is lost,
            # and nothing overwrites the other list until they have reloaded it.
            messages.error(request, str(exc))
            present_ids, excused_ids, version = set(present), set(excused), seen
        else:
            messages.success(request, _("Attendance saved: %(n)s present.") % {"n": n})
            return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "version": version,
            "attendance": attendance,
            "roster": roster,
            "present_ids": present_ids,
            "excused_ids": excused_ids,
            "upload_form": UploadForm(),
            "can_manage": manage,
            "can_read_history": request.user.role in RESULT_ROLES or request.user.is_superuser,
            "audience": session.audience.select_related("unit"),
        },
    )


@manager_required
@require_POST
def session_import(request, pk: int):
    session = get_object_or_404(selectors.sessions_for(request.user), pk=pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("training:session", pk=session.pk)
    try:
        result = services.attendance_import(session=session, upload=form.cleaned_data["file"])
    except ImportRefused as refused:
        messages.error(request, refused.message)
        return redirect("training:session", pk=session.pk)
    return _import_result(request, result, back=("training:session", session.pk), title=str(session))


def _import_result(request, result, *, back: tuple, title: str):
    return render(request, "training/import_result.html", {"result": result, "back": back, "title": title})


# --- Question bank -------------------------------------------------------------------------


@manager_required
def question_list(request):
    questions = selectors.questions_for(request.user).filter(is_active=True)
    q = request.GET.get("q", "").strip()
    if q:
        questions = questions.filter(Q(text__icontains=q) | Q(topic__icontains=q) | Q(law__icontains=q))
    topics = questions.values("law", "topic").annotate(n=Count("id")).order_by("law", "topic")
    return render(
        request,
        "training/question_list.html",
        {
            "page": _page(request, questions.order_by("topic", "id")),
            "topics": topics,
            "q": q,
            "upload_form": UploadForm(),
        },
    )


@manager_required
@require_POST
def question_import(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("training:questions")
    try:
        result = services.question_import(bureau_id=request.user.bureau_id, upload=form.cleaned_data["file"])
    except ImportRefused as refused:
        messages.error(request, refused.message)
        return redirect("training:questions")
    return _import_result(request, result, back=("training:questions", None), title=_("Question bank"))


@manager_required
@require_POST
def question_retire(request, pk: int):
    """Take a question out of the bank: tests drawn from now on leave it out; the tests that
    already used it keep it (their answers and scores do not change)."""
    question = get_object_or_404(selectors.questions_for(request.user), pk=pk)
    services.question_retire(question=question)
    messages.success(request, _("The question was retired from the bank."))
    return redirect(request.POST.get("next") if _safe_next(request) else "training:questions")


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


@manager_required
def question_template(request):
    headers = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "法律", "专题", "解析"]
    example = [
        "单选",
        "公安机关对被拘留的人，应当在拘留后多少小时以内进行讯问？",
        "12小时",
        "24小时",
        "48小时",
        "72小时",
        "B",
        "刑事诉讼法",
        "强制措施",
        "刑事诉讼法第八十六条",
    ]
    return xlsx_response("题库导入模板.xlsx", "题库", headers, [example])


# --- Spot tests ----------------------------------------------------------------------------


@login_required
def test_list(request):
    if request.user.role not in RESULT_ROLES and not request.user.is_superuser:
        return redirect("training:home")
    tests = (
        selectors.tests_for(request.user)
        .annotate(
            drawn=Count("candidates", distinct=True),
            finished=Count("attempts", filter=Q(attempts__status__in=selectors.FINISHED), distinct=True),
        )
        .order_by("-held_on", "-id")
    )
    return render(
        request, "training/test_list.html", {"page": _page(request, tests), "can_manage": can_manage(request.user)}
    )


@manager_required
def test_create(request):
    topics = services.topic_counts(bureau_id=request.user.bureau_id)
    form = TestForm(request.POST or None, topics=topics)
    if request.method == "POST" and form.is_valid():
        try:
            test = services.spot_test_create(
                bureau_id=request.user.bureau_id,
                title=form.cleaned_data["title"],
                rules=form.rules(),
                held_on=form.cleaned_data["held_on"],
                time_limit_minutes=form.cleaned_data["time_limit_minutes"],
                pass_score=form.cleaned_data["pass_score"],
                partial_credit=form.cleaned_data["partial_credit"],
                by=request.user,
            )
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The test was created. Now choose who takes it."))
            return redirect("training:test", pk=test.pk)
    return render(request, "training/test_form.html", {"form": form, "topics": topics})


@results_required
def test_detail(request, pk: int):
    test = get_object_or_404(selectors.tests_for(request.user), pk=pk)
    return _test_page(request, test)


def _test_page(request, test, *, sample_form: SampleForm | None = None):
    attempts = selectors.attempts_for(request.user).filter(test=test).order_by("unit__code", "officer__police_number")
    manage = can_manage(request.user)
    candidates = test.candidates.filter(unit_id__in=units_for(request.user).values("id")).select_related(
        "officer", "unit"
    )
    return render(
        request,
        "training/test_detail.html",
        {
            "test": test,
            "attempts": attempts,
            "by_unit": selectors.results_by_unit(attempts=attempts),
            "misses": selectors.question_miss_rates(attempts=attempts)[:10],
            "candidates": candidates.order_by("unit__code", "officer__police_number"),
            "sample_form": (sample_form or SampleForm(user=request.user, initial={"expected_version": test.version}))
            if manage and test.status == TestStatus.DRAFT
            else None,
            "can_manage": manage,
            "units_sampled": units_for(request.user).filter(id__in=test.sample_unit_ids),
        },
    )


@manager_required
@require_POST
def test_sample(request, pk: int):
    test = get_object_or_404(selectors.tests_for(request.user), pk=pk)
    form = SampleForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            drawn = services.spot_test_sample(
                test=test,
                unit_ids=[u.pk for u in form.cleaned_data["units"]],
                size=form.cleaned_data["size"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        except Conflict as exc:
            # The test's page again, with the units and size this manager chose kept in the form.
            form.add_error(None, str(exc))
            return _test_page(request, test, sample_form=form)
        else:
            messages.success(request, _("%(n)s officers drawn; the draw is recorded.") % {"n": len(drawn)})
    else:
        messages.error(request, _("Choose at least one unit."))
    return redirect("training:test", pk=test.pk)


@manager_required
@require_POST
def test_transition(request, pk: int, action: str):
    test = get_object_or_404(selectors.tests_for(request.user), pk=pk)
    try:
        if action == "open":
            services.spot_test_open(test=test)
            messages.success(request, _("The test is open: the drawn officers can take it now."))
        elif action == "close":
            services.spot_test_close(test=test)
            messages.success(request, _("The test is closed to new starts."))
        else:
            raise Http404
    except TrainingRefused as refused:
        messages.error(request, refused.message)
    return redirect("training:test", pk=test.pk)


@results_required
def test_export(request, pk: int):
    test = get_object_or_404(selectors.tests_for(request.user), pk=pk)
    attempts = selectors.attempts_for(request.user).filter(test=test).order_by("unit__code", "officer__police_number")
    headers = ["单位", "警号", "姓名", "开始时间", "交卷时间", "状态", "答对题数", "题数", "得分", "是否及格"]
    rows = (
        [
            a.unit.name,
            a.officer.police_number,
            a.officer.name,
            timezone.localtime(a.started_at).strftime("%Y-%m-%d %H:%M:%S"),
            timezone.localtime(a.finished_at).strftime("%Y-%m-%d %H:%M:%S") if a.finished_at else "",
            a.get_status_display(),
            a.correct_count,
            len(a.question_ids),
            float(a.score) if a.score is not None else None,
            ("及格" if a.passed else "不及格") if a.passed is not None else "",
        ]
        for a in attempts
    )
    record_export(request, "training.test_results", test=test.pk)
    return xlsx_response(f"{test.title}-成绩.xlsx", "成绩", headers, rows)


# --- Taking a test -------------------------------------------------------------------------


@login_required
def test_take(request, pk: int):
    """The officer's page of a test: start it, or continue where they left off."""
    test = get_object_or_404(selectors.my_tests(request.user), pk=pk)
    attempt = test.attempts.filter(officer=request.user).first()
    if request.method == "POST":
        try:
            attempt = services.attempt_start(test=test, officer=request.user)
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        return redirect("training:take", pk=test.pk)
    if attempt is None:
        return render(request, "training/take_start.html", {"test": test})
    attempt = services.attempt_expire_if_due(attempt=attempt)
    if attempt.is_finished:
        return redirect("training:attempt", pk=attempt.pk)
    questions = Question.objects.in_bulk(attempt.question_ids)
    saved = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "choice"))
    items = [(n, questions[qid], saved.get(qid, "")) for n, qid in enumerate(attempt.question_ids, start=1)]
    return render(
        request,
        "training/take.html",
        {"test": test, "attempt": attempt, "items": items, "answered": len(saved), "now": timezone.now()},
    )


def json_login_required(view):
    """For the fetch calls of the test page: a session that ended (30 idle minutes) answers 401
    with a message, not the login page's HTML, which the page would take for a lost connection."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "error": _(
                        "You have been signed out. Sign in again to go on with the test: "
                        "the answers already saved are kept."
                    ),
                    "code": "signed_out",
                    "login": reverse("login"),
                },
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper


@json_login_required
@require_POST
def answer_save(request, pk: int):
    """One answer, saved as the officer clicks (fetch from the test page)."""
    question = positive_int(request.POST.get("question"))
    if question is None:
        return JsonResponse({"error": _("No question given."), "code": "bad_request"}, status=400)
    try:
        services.answer_save(
            attempt_id=pk, officer=request.user, question_id=question, choice=request.POST.getlist("choice")
        )
    except TrainingRefused as refused:
        return JsonResponse({"error": refused.message, "code": refused.code}, status=refused.status)
    return JsonResponse({"saved": True})


@login_required
@require_POST
def attempt_submit(request, pk: int):
    try:
        services.attempt_submit(attempt_id=pk, officer=request.user)
    except services.AttemptNotFound as missing:
        raise Http404 from missing
    except TrainingRefused as refused:
        messages.warning(request, refused.message)
    else:
        messages.success(request, _("Your test was handed in and scored."))
    return redirect("training:attempt", pk=pk)


@login_required
def attempt_detail(request, pk: int):
    """An attempt's result: the officer's own, or one in scope for those who read results."""
    mine = selectors.my_attempts(request.user).filter(pk=pk).first()
    if mine is None:
        if request.user.role not in RESULT_ROLES:
            raise Http404
        mine = get_object_or_404(selectors.attempts_for(request.user), pk=pk)
    attempt = services.attempt_expire_if_due(attempt=mine)
    if not attempt.is_finished:
        if attempt.officer_id == request.user.pk:
            return redirect("training:take", pk=attempt.test_id)
        return render(request, "training/attempt_detail.html", {"attempt": attempt, "items": []})
    questions = Question.objects.in_bulk(attempt.question_ids)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    items = [(n, questions[qid], answers.get(qid)) for n, qid in enumerate(attempt.question_ids, start=1)]
    return render(request, "training/attempt_detail.html", {"attempt": attempt, "items": items})


# --- An officer's training history --------------------------------------------------------


@results_required
def officer_history(request, pk: int):
    """Every training record of an officer that the reader may see: a unit leader those made in
    their unit, legal supervisors the bureau's (the selectors' scope, record by record)."""
    user = request.user
    officer = get_object_or_404(officers_for(user), pk=pk)
    attendance = selectors.attendance_for(user).filter(officer=officer).order_by("-session__held_on", "-id")
    attempts = selectors.attempts_for(user).filter(officer=officer).order_by("-started_at")
    return render(
        request,
        "training/officer_history.html",
        {
            "officer": officer,
            "attendance": Paginator(attendance, 25).get_page(request.GET.get("attendance_page")),
            "attendance_counts": dict(attendance.order_by().values_list("status").annotate(n=Count("id"))),
            "attempts": Paginator(attempts, 25).get_page(request.GET.get("tests_page")),
            "qualifications": selectors.qualifications_for(user).filter(officer=officer).order_by("kind"),
            "case_reviews": selectors.case_reviews_for(user).filter(leader=officer).order_by("-held_on"),
            "today": timezone.localdate(),
        },
    )


# --- Qualifications ------------------------------------------------------------------------


@results_required
def qualification_list(request):
    qualifications = selectors.qualifications_for(request.user)
    kind = request.GET.get("kind")
    if kind in QualificationKind.values:
        qualifications = qualifications.filter(kind=kind)
    today = timezone.localdate()
    manage = can_manage(request.user)
    form = QualificationForm(request.POST or None, officers=officers_for(request.user)) if manage else None
    if manage and request.method == "POST" and form.is_valid():
        try:
            services.qualification_record(**form.cleaned_data)
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The qualification was recorded."))
            return redirect("training:qualifications")
    if request.GET.get("export") == "xlsx":
        headers = ["单位", "警号", "姓名", "资格", "取得日期", "有效期至", "证书编号", "主观题通过"]
        rows = (
            [
                q.officer.unit.name if q.officer.unit else "",
                q.officer.police_number,
                q.officer.name,
                q.get_kind_display(),
                q.obtained_on,
                q.expires_on,
                q.certificate_number,
                ("是" if q.subjective_passed else "否") if q.kind == QualificationKind.LEGAL_EXAM else "",
            ]
            for q in qualifications.order_by("officer__unit__code", "officer__police_number", "kind")
        )
        record_export(request, "training.qualifications", filters={"kind": kind} if kind else {})
        return xlsx_response("执法资格.xlsx", "执法资格", headers, rows)
    counts = (
        qualifications.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exclude(kind=QualificationKind.LEGAL_EXAM, subjective_passed=False)
        .values("officer__unit__name", "officer__unit__code", "kind")
        .annotate(n=Count("officer", distinct=True))
        .order_by("officer__unit__code")
    )
    table: dict[str, dict] = {}
    for row in counts:
        table.setdefault(row["officer__unit__name"], {})[row["kind"]] = row["n"]
    return render(
        request,
        "training/qualification_list.html",
        {
            "page": _page(request, qualifications.order_by("expires_on", "officer__police_number")),
            "kinds": QualificationKind.choices,
            "kind": kind,
            "counts": table,
            "today": today,
            "soon": today + timedelta(days=90),
            "form": form,
            "reminders": selectors.reminders_for(request.user)[:20],
            "expired_reminders": selectors.expired_reminders_for(request.user)[:20],
            "can_manage": manage,
        },
    )


@manager_required
@require_POST
def reminders_handle(request):
    """A manager clears the reminders ticked on the qualifications page (those in their scope)."""
    ids = [i for i in map(positive_int, request.POST.getlist("reminder")) if i is not None]
    n = services.reminders_handle(
        reminders=selectors.unread_reminders_for(request.user).filter(pk__in=ids), by=request.user
    )
    messages.success(request, _("%(n)s reminders handled.") % {"n": n})
    return redirect("training:qualifications")


# --- Competitions, case-review tests, talent pool ------------------------------------------


@login_required
def competition_list(request):
    manage = can_manage(request.user)
    form = CompetitionForm(request.POST or None) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            competition = services.competition_create(
                bureau_id=request.user.bureau_id,
                title=form.cleaned_data["title"],
                held_on=form.cleaned_data["held_on"],
                description=form.cleaned_data["description"],
                round_names=form.cleaned_data["rounds"],
            )
            messages.success(request, _("The competition was recorded. Add its teams and enter the scores."))
            return redirect("training:competition", pk=competition.pk)
    return render(
        request,
        "training/competition_list.html",
        {
            "competitions": selectors.competitions_for(request.user).prefetch_related("rounds", "teams"),
            "form": form,
        },
    )


@login_required
def competition_detail(request, pk: int):
    competition = get_object_or_404(selectors.competitions_for(request.user), pk=pk)
    return _competition_page(request, competition)


def _competition_page(request, competition, **forms):
    manage = can_manage(request.user)
    if manage:
        forms.setdefault("round_form", CompetitionRoundForm())
        forms.setdefault("team_form", CompetitionTeamForm(user=request.user))
        forms.setdefault(
            "score_form", CompetitionScoreForm(competition=competition, officers=officers_for(request.user))
        )
    return render(
        request,
        "training/competition_detail.html",
        {
            "competition": competition,
            "can_manage": manage,
            **forms,
            **selectors.competition_standings(competition=competition),
        },
    )


@manager_required
@require_POST
def competition_edit(request, pk: int, part: str):
    """Add a round or a team, or enter a score: the competition's page again with the form's
    errors, or back to it after saving."""
    competition = get_object_or_404(selectors.competitions_for(request.user), pk=pk)
    if part == "round":
        form = CompetitionRoundForm(request.POST)
        save = lambda data: services.competition_round_add(competition=competition, **data)  # noqa: E731
        done = _("The round was added.")
    elif part == "team":
        form = CompetitionTeamForm(request.POST, user=request.user)
        save = lambda data: services.competition_team_add(competition=competition, **data)  # noqa: E731
        done = _("The team was added.")
    elif part == "score":
        form = CompetitionScoreForm(request.POST, competition=competition, officers=officers_for(request.user))
        save = lambda data: services.competition_score_record(**data)  # noqa: E731
        done = _("The score was saved.")
    else:
        raise Http404
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, done)
            return redirect("training:competition", pk=competition.pk)
    return _competition_page(request, competition, **{f"{part}_form": form})


@results_required
def case_review_list(request):
    manage = can_manage(request.user)
    form = CaseReviewForm(request.POST or None, officers=officers_for(request.user)) if manage else None
    if manage and request.method == "POST" and form.is_valid():
        try:
            services.case_review_record(examiner=request.user, **form.cleaned_data)
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The case-review test was recorded."))
            return redirect("training:case_reviews")
    reviews = selectors.case_reviews_for(request.user)
    return render(request, "training/case_review_list.html", {"page": _page(request, reviews), "form": form})


def _qualification_kinds_matching(text: str) -> list[str]:
    """The qualification kinds whose name (as the user reads it) or short name contains `text`."""
    short = {QualificationKind.LEGAL_EXAM: ("法考", "法律职业资格", "司法考试")}
    return [
        value
        for value, label in QualificationKind.choices
        if text in str(label) or any(text in s for s in short.get(value, ()))
    ]


@login_required
def talent_list(request):
    profiles = selectors.talent_for(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind")
    today = timezone.localdate()
    valid = Q(officer__qualifications__expires_on__isnull=True) | Q(officer__qualifications__expires_on__gte=today)
    if q:
        match = Q(specialties__icontains=q) | Q(summary__icontains=q) | Q(officer__name__icontains=q)
        kinds = _qualification_kinds_matching(q)
        if kinds:
            match |= Q(officer__qualifications__kind__in=kinds) & valid
        profiles = profiles.filter(match)
    if kind in QualificationKind.values:
        profiles = profiles.filter(Q(officer__qualifications__kind=kind) & valid)
    profiles = (
        profiles.distinct().order_by("-available", "officer__police_number").prefetch_related("officer__qualifications")
    )
    return render(
        request,
        "training/talent_list.html",
        {
            "page": _page(request, profiles),
            "q": q,
            "kind": kind,
            "kinds": QualificationKind.choices,
            "can_manage": can_manage(request.user),
        },
    )


@manager_required
def talent_edit(request, pk: int | None = None):
    """Put an officer in the talent pool, or change their entry (of the version the form showed)."""
    profile = get_object_or_404(selectors.talent_for(request.user), pk=pk) if pk is not None else None
    initial = {}
    if profile is not None:
        initial = {
            "officer": profile.officer.police_number,
            "specialties": profile.specialties,
            "summary": profile.summary,
            "available": profile.available,
            "expected_version": profile.version,
        }
    form = TalentForm(request.POST or None, initial=initial, officers=officers_for(request.user), profile=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expected = data["expected_version"]
        if profile is None and TalentProfile.objects.filter(officer=data["officer"]).exists():
            form.add_error("officer", _("This officer is already in the pool; edit the entry instead."))
        else:
            try:
                services.talent_profile_save(
                    officer=data["officer"],
                    specialties=data["specialties"],
                    summary=data["summary"],
                    available=data["available"],
                    expected_version=expected if profile is not None else None,
                )
            except Conflict as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The talent pool entry was saved."))
                return redirect("training:talent")
    title = _("Edit a talent pool entry") if profile else _("Add an officer to the talent pool")
    return render(request, "training/talent_form.html", {"form": form, "title": title, "profile": profile})


@manager_required
@require_POST
def talent_remove(request, pk: int):
    profile = get_object_or_404(selectors.talent_for(request.user), pk=pk)
    try:
        services.talent_profile_remove(
            profile=profile, expected_version=positive_int(request.POST.get("expected_version"))
        )
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("training:talent_edit", pk=profile.pk)
    messages.success(request, _("%(name)s was taken out of the talent pool.") % {"name": profile.officer.name})
    return redirect("training:talent")


# --- Enforcement guidance ------------------------------------------------------------------


@login_required
def guidance_list(request):
    entries = selectors.guidance_for(request.user).filter(is_current=True)
    q = request.GET.get("q", "").strip()
    category = request.GET.get("category")
    if category in GuidanceCategory.values:
        entries = entries.filter(category=category)
    if q:
        entries = entries.filter(
            Q(title__icontains=q) | Q(topic__icontains=q) | Q(steps__icontains=q) | Q(common_mistakes__icontains=q)
        )
    return render(
        request,
        "training/guidance_list.html",
        {
            "entries": entries.order_by("category", "topic"),
            "q": q,
            "category": category,
            "categories": GuidanceCategory.choices,
            "can_manage": can_manage(request.user),
        },
    )


@login_required
def guidance_detail(request, pk: int):
    entry = get_object_or_404(selectors.guidance_for(request.user), pk=pk)
    versions = (
        selectors.guidance_for(request.user).filter(category=entry.category, topic=entry.topic).order_by("-version")
    )
    return render(
        request,
        "training/guidance_detail.html",
        {"entry": entry, "versions": versions, "can_manage": can_manage(request.user)},
    )


@manager_required
def guidance_publish(request):
    initial = {}
    base_entry = None
    base = positive_int(request.GET.get("from"))
    if base is not None:
        entry = selectors.guidance_for(request.user).filter(pk=base).first()
        if entry:
            base_entry = entry
            initial = {f: getattr(entry, f) for f in GuidanceForm.base_fields if f != "expected_version"}
            initial["expected_version"] = entry.version
    form = GuidanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("expected_version")
        if expected is not None and (
            base_entry is None or (data["category"], data["topic"]) != (base_entry.category, base_entry.topic)
        ):
            expected = 0  # written as new guidance for this category and topic, not from its current version
        try:
            entry = services.guidance_publish(
                bureau_id=request.user.bureau_id, by=request.user, expected_version=expected, **data
            )
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
        except Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Version %(v)s was published.") % {"v": entry.version})
            return redirect("training:guidance_entry", pk=entry.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Publish enforcement guidance")})


@login_required
@require_GET
def guidance_card(request, category: str):
    """A small card of the current guidance of a category, for the intake form (htmx)."""
    if category not in GuidanceCategory.values:
        raise Http404
    entries = selectors.guidance_for_category(bureau=request.user.bureau_id, category=category)
    topic = request.GET.get("topic", "").strip()
    if topic:
        entries = entries.filter(topic__icontains=topic)
    return render(
        request,
        "training/guidance_card.html",
        {"entries": entries[:5], "category_label": GuidanceCategory(category).label, "category": category},
    )


# --- Statistics ----------------------------------------------------------------------------


@results_required
def statistics(request):
    today = timezone.localdate()
    latest = selectors.latest_training_year(bureau=request.user.bureau_id)
    if "start" in request.GET:
        data = request.GET
    elif latest is not None and latest < today.year:
        # Nothing held this year yet: open on the latest year that has figures.
        data = {"start": date(latest, 1, 1), "end": date(latest, 12, 31)}
    else:
        data = {"start": date(today.year, 1, 1), "end": today}
    form = PeriodForm(data)
    rows, total, empty = [], None, False
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows, total = selectors.training_statistics_for(request.user, start=start, end=end)
        empty = not (total.sessions_held or total.tests_held or total.expected or total.officer_times_tested)
        if request.GET.get("export") == "xlsx":
            headers = [
                "单位",
                "培训场次",
                "应到人次",
                "实到人次",
                "到课率(%)",
                "抽测次数",
                "参考人次",
                "及格人次",
                "及格率(%)",
            ]
            headers += [str(label) for _v, label in QualificationKind.choices]

            def line(name, s):
                return [
                    name,
                    s.sessions_held,
                    s.expected,
                    s.present,
                    float(s.attendance_rate) if s.attendance_rate is not None else None,
                    s.tests_held,
                    s.officer_times_tested,
                    s.passed,
                    float(s.pass_rate) if s.pass_rate is not None else None,
                    *[s.qualifications.get(k, 0) for k in QualificationKind.values],
                ]

            out = [line(r.unit_name, r) for r in rows] + [line("合计", total)]
            record_export(request, "training.statistics", start=str(start), end=str(end))
            return xlsx_response(f"学法培训统计-{start}-{end}.xlsx", "学法培训统计", headers, out)
    return render(
        request,
        "training/statistics.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "kinds": QualificationKind.choices,
            "empty": empty,
            "latest": latest,
        },
    )
