"""The web pages (Chinese, server-rendered): public, customer, clerk, supervisor, admin.

`install_pages(app)` mounts the static files, the page routers (each request resolving
Services and Settings through `api.deps`) and the two page-only
exception handlers (a refusal rendered as a page; a redirect to the login page).
"""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

import gridconnect.api.pages.gov as gov  # govlink
from gridconnect.api.deps import bind_page_dependencies
from gridconnect.api.pages import (
    admin,
    application,
    clerk,
    orders,  # command centre
    outages,  # outages capability
    public,
    selfservice,  # selfservice
    staff,
    supervisor,
    tickets,  # selfservice
)
from gridconnect.api.pages import plans as plans  # supply plans, charges, capacity
from gridconnect.api.pages.web import (
    STATIC_DIR,
    LoginRequired,
    PageError,
    login_required_handler,
    page_error_handler,
)


def install_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_exception_handler(PageError, page_error_handler)
    app.add_exception_handler(LoginRequired, login_required_handler)
    for module in (
        public,
        staff,
        clerk,
        application,
        supervisor,
        admin,
        plans,
        gov,
        orders,
        selfservice,
        tickets,
    ):
        app.include_router(module.router, dependencies=[Depends(bind_page_dependencies)])
    # outages capability: dispatcher, reliability and public outage pages
    app.include_router(outages.router, dependencies=[Depends(bind_page_dependencies)])
