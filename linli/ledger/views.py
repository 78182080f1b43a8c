from django.http import HttpResponse

from linli.core.decorators import capability_required
from linli.core.http import AuthedRequest
from linli.core.roles import Cap


@capability_required(Cap.TAKE_CALLS)
def desk(request: AuthedRequest) -> HttpResponse:
    raise NotImplementedError


@capability_required(Cap.TAKE_CALLS)
def desk_household(request: AuthedRequest) -> HttpResponse:
    raise NotImplementedError


@capability_required(Cap.TAKE_CALLS)
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@capability_required(Cap.TAKE_CALLS)
def request_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    raise NotImplementedError
