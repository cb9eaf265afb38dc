import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import User
from privacy.services import export_client_user


class Command(BaseCommand):
    help = "Writes everything the portal holds about one client user as JSON (GDPR art. 15/20)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--output", help="A file to write; without it, standard output.")

    def handle(self, *args, username, output=None, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            data = export_client_user(user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text)
