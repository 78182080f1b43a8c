from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.api.actions import do_create_api_client
from linli.core.models import User


class Command(BaseCommand):
    help = (
        "Create an API client (JSON API and Open311) for some communities and print its token "
        "once: `linli manage api_client NAME CODE [CODE …] --user USERNAME`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="who the client is: 'City hotline 12345'")
        parser.add_argument("communities", nargs="+", help="community codes")
        parser.add_argument(
            "--user",
            required=True,
            help="the user the client acts as (its requests and transitions are recorded as "
            "theirs; it must be able to take calls and reach every community)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            user = User.objects.get(username=opts["user"])
        except User.DoesNotExist:
            raise CommandError(_("no user %(name)s") % {"name": opts["user"]}) from None
        try:
            client, token = do_create_api_client(opts["name"], opts["communities"], user)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            ) from None
        codes = ", ".join(sorted(c.code for c in client.communities.all()))
        self.stderr.write(
            _("API client #%(id)s “%(name)s” for %(codes)s, acting as %(user)s.")
            % {"id": client.pk, "name": client.name, "codes": codes, "user": user.username}
        )
        self.stderr.write(_("Its token follows; it is shown only this once, so store it now."))
        self.stdout.write(token)
