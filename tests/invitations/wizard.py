"""What the wizard's HTTP tests share: starting a run, posting rows as the page posts them,
and reading the answer. A browser without JavaScript posts exactly these fields.

"Granska" posts step 2's form to the review's address (``review_url``), which shows the
review in the same request, or step 2 again with the errors.
"""

import re
import uuid

from accounts.models import User
from clients.models import ClientCompany, ClientRight
from invitations.models import InvitationBatch
from tests.bureau.factories import valid_org_number

WIZARD = "/inbjudningar/bjud-in/"


def many_clients(accountant, firm, count: int, *, name="Klient {n:03d} AB", admin=lambda n: True):
    """``count`` clients of ``firm`` in bulk, ``accountant`` system administrator where
    ``admin(n)``."""
    clients = ClientCompany.objects.bulk_create(
        ClientCompany(
            firm=firm,
            name=name.format(n=n),
            org_number=valid_org_number(n),
            customer_number=str(5000 + n),
        )
        for n in range(count)
    )
    ClientRight.objects.bulk_create(
        ClientRight(accountant=accountant, client=c, is_system_admin=admin(n))
        for n, c in enumerate(clients)
    )
    return clients


def start(http, choice="new_users") -> str:
    """Step 1 → the URL of step 2."""
    response = http.post(WIZARD, {"choice": choice})
    assert response.status_code == 302
    return response.url


def key_of(step_url: str) -> uuid.UUID:
    return uuid.UUID(re.search(r"bjud-in/([0-9a-f-]{36})/", step_url).group(1))


def review_url(step_url: str) -> str:
    return f"{WIZARD}{key_of(step_url)}/granska/"


def fields(
    client, *, name="", email="", mobile="", username="", language=None, marked=True
) -> dict:
    data = {
        "row": [str(client.pk)],
        f"r{client.pk}-full_name": name,
        f"r{client.pk}-email": email,
        f"r{client.pk}-mobile": mobile,
        f"r{client.pk}-username": username,
    }
    if language is not None:  # None: a post without the select, as before the column
        data[f"r{client.pk}-language"] = language
    if marked:
        data[f"r{client.pk}-marked"] = "1"
    return data


def rows_post(*rows, action="review", marking="manual", **extra) -> dict:
    data = {"action": action, "marking": marking, "row": [], **extra}
    for row in rows:
        for key, value in row.items():
            if key == "row":
                data["row"] += value
            else:
                data[key] = value
    return data


def granska(http, step_url, *rows, **extra):
    """ "Granska" on step 2: the rows (and any paste or file in ``extra``) to the review."""
    return http.post(review_url(step_url), rows_post(*rows, **extra))


def submit(http, step_url, *rows):
    """ "Granska", then "Skapa och bjud in användare" on the review."""
    response = granska(http, step_url, *rows)
    assert response.status_code == 200 and "Skapa och bjud in användare" in page_text(response)
    return http.post(review_url(step_url))


def page_text(response) -> str:
    return response.content.decode()


def refused(http, step_url, *rows):
    """ "Granska" with the rows; asserts step 2 came back with errors and nothing exists."""
    users_before = User.objects.count()
    response = granska(http, step_url, *rows)
    assert response.status_code == 200
    html = page_text(response)
    assert 'class="error-summary"' in html, "expected step 2 with errors, not the review"
    assert User.objects.count() == users_before
    assert not InvitationBatch.objects.exists()
    return html


def assert_field_error(html, client, field, message):
    """The input is marked invalid, the message is next to it, the summary links to it."""
    field_id = f"r{client.pk}-{field}"
    if field == "client":
        assert re.search(rf'id="{field_id}">[^<]*{re.escape(message)}', html), html
    else:
        assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html), field_id
        assert re.search(rf'id="{field_id}-error">[^<]*{re.escape(message)}', html), message
    assert f'href="#{field_id}"' in html
    assert 'class="error-summary"' in html
