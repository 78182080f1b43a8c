"""Open311 as another project's client speaks it: `georeport` (PyPI), unpatched, against the
live server, in JSON and in XML.

georeport 0.3.1 reads services, definitions and requests, and never sends an api_key: it has no
POST. Its request reads need Linli to answer them without a key (public fields only), which is
not built yet (issue 14); the service list and definitions are public and tested here."""

from typing import Any

import pytest
from georeport import GeoReport  # type: ignore[import-untyped]

from linli.core.models import Community
from linli.ledger.models import Category

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_reads_the_service_list_and_a_definition(
    live_server: Any, community_a: Community, output_format: str
) -> None:
    client = GeoReport(
        f"{live_server.url}/open311/v2",
        jurisdiction=community_a.code,
        output_format=output_format,
    )

    services = client.get_service_list()
    definition = client.get_service_definition("dialysis")

    codes = [s["service_code"] for s in services]
    assert codes == list(Category.objects.filter(active=True).values_list("code", flat=True))
    groceries = next(s for s in services if s["service_code"] == "groceries")
    assert groceries["service_name"] == "生活物资"
    assert definition["service_code"] == "dialysis"


def test_georeport_is_told_of_an_unknown_jurisdiction(live_server: Any, db: None) -> None:
    import requests

    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="NOWHERE")

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_list()

    assert refused.value.response is not None
    assert refused.value.response.status_code == 404
