"""What the application page shows of its supervision orders (command centre)."""

from typing import Any

from gridconnect.api.pages.session import scope_of
from gridconnect.api.permissions import Permission, allows
from gridconnect.config.vocabulary import OrderAssignee
from gridconnect.services.context import Services
from gridconnect.services.orders import service as orders
from gridconnect.services.users import AuthUser


def orders_context(svc: Services, user: AuthUser, application_id: int) -> dict[str, Any]:
    """What the application page shows of its orders, and which forms this user gets."""
    listed = orders.list_orders(svc, application_id, scope_of(user))
    for order in listed:
        order["assignee_name"] = OrderAssignee.names().get(order["assignee"], order["assignee"])
    return {
        "orders": listed,
        "assignees": OrderAssignee.names(),
        "may_issue_orders": allows(user.role, Permission.ISSUE_ORDERS),
        "may_answer_orders": allows(user.role, Permission.ANSWER_ORDERS),
    }
