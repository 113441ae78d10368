"""Supply plans and charges on the pages: the customer compares the options side
by side and chooses one; the clerk answers the plan, records a choice, a charge, and the
completion of a transitional plan's grid upgrade. Every form carries `expected_version`.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from gridconnect.api.deps import services_of
from gridconnect.api.pages import customer as cookies
from gridconnect.api.pages.session import CsrfChecked, scope_of, staff
from gridconnect.api.pages.web import PageError, redirect, render, templates
from gridconnect.api.permissions import Permission, allows
from gridconnect.config.vocabulary import NoControl
from gridconnect.errors import GridconnectError
from gridconnect.services.applications import get_application
from gridconnect.services.public import ACTOR
from gridconnect.services.supply_plans.capacity import (
    COLUMNS,
    CapacityLine,
    capacity_at,
    import_capacity_csv,
    list_capacity,
    public_capacity,
    update_capacity,
)
from gridconnect.services.supply_plans.charges import charges_of, record_charge
from gridconnect.services.supply_plans.plans import (
    answer_supply_plans,
    choose_supply_plan,
    complete_grid_upgrade,
    read_plans,
    read_plans_by_number,
)
from gridconnect.services.users import AuthUser
from gridconnect.timesource import local_date
from gridconnect.workflow.errors import ApplicationNotFound, VersionConflict
from gridconnect.workflow.model import CITIES
from gridconnect.workflow.supply_plans import (
    DESIGN_REVIEW_STAGE,
    MAX_OPTIONS,
    SUPPLY_PLAN_STAGE,
    SupplyPlanOption,
)

router = APIRouter(tags=["pages"], include_in_schema=False)
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]

STAFF = staff(Permission.READ_APPLICATIONS)
WORKER = staff(Permission.WORK_APPLICATIONS)
CONFLICT = "此申请已被他人更新，请刷新后重试"
OPTION_FIELDS = (
    "substation",
    "feeder",
    "voltage_kv",
    "capacity_kva",
    "supply",
    "metering",
    "grid_works",
    "customer_works",
    "estimated_cost_yuan",
    "estimated_working_days",
    "reliability",
    "upgrade_name",
    "upgrade_planned_on",
)
FIELD_NAMES = {
    "substation": "接入变电站",
    "feeder": "接入线路/间隔",
    "voltage_kv": "供电电压",
    "capacity_kva": "供电容量",
    "supply": "供电电源",
    "metering": "计量方式",
    "grid_works": "电网侧工程",
    "customer_works": "用户侧工程",
    "estimated_cost_yuan": "用户承担的估算费用",
    "estimated_working_days": "预计建设工期",
    "reliability": "可靠性说明",
    "transitional": "过渡方案",
    "upgrade_name": "电网升级改造项目",
    "upgrade_planned_on": "计划完成日期",
    "plans": "方案",
    "option_no": "方案",
    "item_code": "收费项目",
    "quantity": "数量",
    "completed_on": "完成日期",
}
DONE = {
    "answered": "供电方案已答复客户，本环节计时已停止。",
    "chosen": "已登记客户选定的供电方案。",
    "charge": "收费已登记。",
    "upgrade": "已登记电网升级改造完成，过渡方案标记已解除。",
}


# -- the customer -----------------------------------------------------------------------------
def _customer_page(request: Request, status_code: int = 200, **extra: Any) -> Response:
    number = cookies.customer_number(request)
    if number is None:
        return redirect("/status")
    svc = services_of(request)
    try:
        app, found = read_plans_by_number(svc, number)
    except ApplicationNotFound:
        return redirect("/status")
    assert app.id is not None
    context = {
        "app": app,
        "plans": found,
        "charges": charges_of(svc, app.id),
        "may_choose": app.is_open and app.stage == DESIGN_REVIEW_STAGE and bool(found.options),
        "done": DONE.get(request.query_params.get("done", "")),
        **extra,
    }
    return render(request, "plans_customer.html", context, status_code=status_code)


@router.get("/my/plans")
def my_plans(request: Request) -> Response:
    """The options answered to the customer, side by side: cost, time, reliability."""
    return _customer_page(request)


@router.post("/my/plans/choice", dependencies=[CsrfChecked])
def choose_my_plan(
    request: Request,
    option_no: Annotated[int | None, Form(ge=1, le=MAX_OPTIONS)] = None,
    expected_version: Annotated[int | None, Form()] = None,
) -> Response:
    """The customer chooses one option; the choice and its time are audited."""
    number = cookies.customer_number(request)
    if number is None:
        return redirect("/status")
    if option_no is None:
        return _customer_page(request, 422, error="请选择一个供电方案")
    svc = services_of(request)
    app, _ = read_plans_by_number(svc, number)
    assert app.id is not None
    try:
        choose_supply_plan(svc, app.id, option_no, ACTOR, expected_version=expected_version)
    except VersionConflict:
        return _customer_page(request, 409, error="申请已更新，请查看最新方案后重新选择")
    except GridconnectError as exc:
        return _customer_page(request, 409 if exc.status == 409 else 422, error=exc.message)
    return redirect("/my/plans?done=chosen")


# -- staff ------------------------------------------------------------------------------------
def _not_found() -> PageError:
    return PageError(404, "未找到申请", "申请不存在，或不在您所辖的供电企业和地市范围内。")


def _staff_page(
    request: Request, user: AuthUser, application_id: int, status_code: int = 200, **extra: Any
) -> Response:
    svc = services_of(request)
    try:
        app = get_application(svc, application_id, scope_of(user))
    except ApplicationNotFound:
        raise _not_found() from None
    today = local_date(svc.now())
    context = {
        "app": app,
        "plans": read_plans(svc, application_id),
        "charges": charges_of(svc, application_id),
        "catalogue": [i for i in svc.policy.charge_items if i.in_force(today)],
        "may_work": allows(user.role, Permission.WORK_APPLICATIONS) and app.is_open,
        "may_answer": app.is_open and app.stage == SUPPLY_PLAN_STAGE,
        "may_choose": app.is_open and app.stage == DESIGN_REVIEW_STAGE,
        "option_count": MAX_OPTIONS,
        "option_fields": OPTION_FIELDS,
        "field_names": FIELD_NAMES,
        "values": {},
        "errors": [],
        "done": DONE.get(request.query_params.get("done", "")),
        **extra,
    }
    return render(request, "plans_staff.html", context, status_code=status_code)


def _path(application_id: int) -> str:
    return f"/workbench/applications/{application_id}/plans"


@router.get("/workbench/applications/{application_id}/plans")
def plans_page(request: Request, application_id: RowId, user: AuthUser = STAFF) -> Response:
    return _staff_page(request, user, application_id)


def _field_label(location: str) -> str:
    parts = location.split(".")
    name = FIELD_NAMES.get(parts[-1], parts[-1])
    return f"方案{int(parts[1]) + 1}·{name}" if len(parts) > 2 else name


def read_options(form: FormData) -> tuple[list[SupplyPlanOption], list[str], dict[str, str]]:
    """The options typed in (an option counts when its substation is filled)."""
    values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    options: list[SupplyPlanOption] = []
    errors: list[str] = []
    for number in range(1, MAX_OPTIONS + 1):
        data: dict[str, Any] = {f: values.get(f"p{number}.{f}", "") for f in OPTION_FIELDS}
        if not data["substation"]:
            continue
        for name in ("voltage_kv", "capacity_kva", "estimated_cost_yuan"):
            data[name] = _number(data[name])
        data["estimated_working_days"] = _integer(data["estimated_working_days"])
        data["transitional"] = values.get(f"p{number}.transitional") == "on"
        for name in ("upgrade_name", "upgrade_planned_on"):
            data[name] = data[name] or None
        try:
            options.append(SupplyPlanOption.model_validate(data))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                field = str(error["loc"][0]) if error["loc"] else "plans"
                errors.append(f"方案{number}·{FIELD_NAMES.get(field, field)}：{error['msg']}")
    if not options and not errors:
        errors.append("请至少填写一个方案（填写接入变电站即视为一个方案）")
    return options, errors, values


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _integer(text: str) -> int | str:
    return int(text) if text.isdigit() else text


@router.post("/workbench/applications/{application_id}/plans", dependencies=[CsrfChecked])
async def answer_plans(
    request: Request, application_id: RowId, user: AuthUser = WORKER
) -> Response:
    """Deliver the supply plan (1–3 options); the supply-plan clock stops."""
    form = await request.form()
    options, errors, values = read_options(form)
    version = _integer(str(form.get("expected_version", "")))
    if errors:
        return _staff_page(request, user, application_id, 422, errors=errors, values=values)
    svc = services_of(request)
    try:
        answer_supply_plans(
            svc,
            application_id,
            options,
            user.username,
            scope_of(user),
            version if isinstance(version, int) else None,
        )
    except ApplicationNotFound:
        raise _not_found() from None
    except VersionConflict:
        return _staff_page(request, user, application_id, 409, conflict=CONFLICT, values=values)
    except GridconnectError as exc:
        found = [
            f"{_field_label(p['field'])}：{p['message']}"
            for p in (exc.details if isinstance(exc.details, list) else [])
        ] or [exc.message]
        return _staff_page(request, user, application_id, exc.status, errors=found, values=values)
    return redirect(_path(application_id) + "?done=answered")


def _staff_step(
    request: Request, user: AuthUser, application_id: int, done: str, step: Any
) -> Response:
    try:
        step()
    except ApplicationNotFound:
        raise _not_found() from None
    except VersionConflict:
        return _staff_page(request, user, application_id, 409, conflict=CONFLICT)
    except GridconnectError as exc:
        return _staff_page(request, user, application_id, exc.status, errors=[exc.message])
    return redirect(_path(application_id) + f"?done={done}")


@router.post("/workbench/applications/{application_id}/plans/choice", dependencies=[CsrfChecked])
def record_choice(
    request: Request,
    application_id: RowId,
    option_no: Annotated[int, Form(ge=1, le=MAX_OPTIONS)],
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    """The clerk records the option the customer chose."""
    svc = services_of(request)
    return _staff_step(
        request,
        user,
        application_id,
        "chosen",
        lambda: choose_supply_plan(
            svc, application_id, option_no, user.username, scope_of(user), expected_version
        ),
    )


@router.post("/workbench/applications/{application_id}/charges", dependencies=[CsrfChecked])
def add_charge(
    request: Request,
    application_id: RowId,
    item_code: Annotated[str, NoControl, Form(max_length=32)] = "",
    quantity: Annotated[float, Form(gt=0, le=1e7)] = 1.0,
    note: Annotated[str, NoControl, Form(max_length=200)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    """Record a charge from the catalogue; refused outside it or inside the boundary."""
    svc = services_of(request)
    return _staff_step(
        request,
        user,
        application_id,
        "charge",
        lambda: record_charge(
            svc,
            application_id,
            item_code,
            quantity,
            user.username,
            note.strip() or None,
            scope_of(user),
            expected_version,
        ),
    )


@router.post(
    "/workbench/applications/{application_id}/plans/upgrade-completed",
    dependencies=[CsrfChecked],
)
def upgrade_completed(
    request: Request,
    application_id: RowId,
    completed_on: Annotated[str, Form(max_length=10)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    user: AuthUser = WORKER,
) -> Response:
    """The transitional plan's grid upgrade is finished (L27)."""
    from datetime import date

    svc = services_of(request)
    try:
        day = date.fromisoformat(completed_on) if completed_on else local_date(svc.now())
    except ValueError:
        return _staff_page(
            request, user, application_id, 422, errors=["完成日期格式应为 YYYY-MM-DD"]
        )
    return _staff_step(
        request,
        user,
        application_id,
        "upgrade",
        lambda: complete_grid_upgrade(
            svc, application_id, day, user.username, scope_of(user), expected_version
        ),
    )


# -- open capacity (L52) ----------------------------------------------------------------------
@router.get("/capacity")
def open_capacity_page(
    request: Request,
    city: Annotated[str, NoControl, Query(max_length=16)] = "",
    area: Annotated[str, NoControl, Query(max_length=100)] = "",
) -> Response:
    """可开放容量: per city and area, the fields the company publishes."""
    svc = services_of(request)
    chosen_city = city if city in CITIES else None
    rows = public_capacity(svc, chosen_city, area.strip() or None)
    context = {
        "rows": rows,
        "shown": svc.policy.capacity_publication.published,
        "cities": CITIES,
        "values": {"city": chosen_city or "", "area": area.strip()},
    }
    return render(request, "capacity.html", context)


def capacity_flag(request: Request, application_id: int) -> dict[str, Any]:
    """For the staff pages: the capacity where the application lies (the page that calls it
    has already checked the user's scope)."""
    svc = services_of(request)
    return capacity_at(svc, get_application(svc, application_id))


templates.env.globals["capacity_flag"] = capacity_flag


def supply_plans_of(request: Request, application_id: int) -> Any:
    """For the staff application page: the options answered and the one chosen, which
    design review works from (the calling page has already checked the user's scope)."""
    return read_plans(services_of(request), application_id)


templates.env.globals["supply_plans_of"] = supply_plans_of


# -- managing the open-capacity register ------------------------------------------------------
MANAGER = staff(Permission.MANAGE_CAPACITY)


def _manage_page(
    request: Request, user: AuthUser, status_code: int = 200, **extra: Any
) -> Response:
    svc = services_of(request)
    context = {
        "rows": list_capacity(svc, scope_of(user)),
        "columns": COLUMNS,
        "done": request.query_params.get("done"),
        "problems": [],
        **extra,
    }
    return render(request, "capacity_manage.html", context, status_code=status_code)


@router.get("/capacity/manage")
def manage_capacity(request: Request, user: AuthUser = MANAGER) -> Response:
    """The register with every field, an import form and an edit form per row."""
    return _manage_page(request, user)


@router.post("/capacity/manage/import", dependencies=[CsrfChecked])
async def import_capacity_page(
    request: Request,
    file: Annotated[UploadFile | None, Form()] = None,
    user: AuthUser = MANAGER,
) -> Response:
    """Import a CSV as a whole; a bad file is listed line by line and nothing is written."""
    if file is None or not file.filename:
        return _manage_page(request, user, 422, error="请选择 CSV 文件（UTF-8 编码，含表头）。")
    try:
        text = (await file.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        return _manage_page(request, user, 422, error="文件不是 UTF-8 编码的文本。")
    svc = services_of(request)
    try:
        result = await run_in_threadpool(
            import_capacity_csv, svc, text, user.username, scope_of(user)
        )
    except GridconnectError as exc:
        problems = exc.details if isinstance(exc.details, list) else []
        return _manage_page(
            request,
            user,
            422,
            error="文件有误，未导入任何数据。请按以下逐行提示修改：",
            problems=problems,
        )
    return redirect(f"/capacity/manage?done={result['lines']}")


@router.post("/capacity/manage/{capacity_id}", dependencies=[CsrfChecked])
def edit_capacity_page(
    request: Request,
    capacity_id: RowId,
    available_kva: Annotated[str, Form(max_length=20)] = "",
    restricted: Annotated[str, Form(max_length=3)] = "",
    restriction_reason: Annotated[str, NoControl, Form(max_length=200)] = "",
    expected_relief_on: Annotated[str, Form(max_length=10)] = "",
    user: AuthUser = MANAGER,
) -> Response:
    """Edit one row's capacity and restriction."""
    svc = services_of(request)
    current = next((r for r in list_capacity(svc, scope_of(user)) if r["id"] == capacity_id), None)
    if current is None:
        raise PageError(404, "未找到", "该容量记录不存在，或不在您所辖范围内。")
    data = {k: current[k] for k in ("company", "city", "area", "substation", "feeder")}
    data |= {
        "available_kva": available_kva,
        "restricted": "是" if restricted == "on" else "否",
        "restriction_reason": restriction_reason,
        "expected_relief_on": expected_relief_on,
    }
    try:
        line = CapacityLine.model_validate(data)
        update_capacity(svc, capacity_id, line, user.username, scope_of(user))
    except ValidationError as exc:
        problems = [
            {"line": current["substation"], "field": str(e["loc"][0]), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        return _manage_page(request, user, 422, error="修改未保存：", problems=problems)
    except GridconnectError as exc:
        return _manage_page(request, user, exc.status, error="修改未保存：" + exc.message)
    return redirect("/capacity/manage?done=1")
