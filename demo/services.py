"""The demo firm that `make run` shows a newcomer: its accountants, clients and client users.

An app of its own, above ``bureau`` and ``clients`` (it fills both), so that neither has to
know the other for the sake of demo data.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from bureau.models import Firm, FirmMembership, FirmRole
from bureau.organisation_numbers import with_check_digit
from clients.models import ClientCompany, ClientMembership, ClientRight

DEMO_FIRM_NAME = "Demobyrån Redovisning AB"
DEMO_CLIENT_COUNT = 200
DEMO_CLIENTS_WITH_USERS = 30

_DEMO_PLACES = [
    "Norrlands", "Västkustens", "Mälardalens", "Skånska", "Göta", "Dalarnas", "Vänerns",
    "Roslagens", "Bergslagens", "Österlens", "Lindqvists", "Bergströms", "Karlssons",
    "Nordins", "Sjöbergs", "Holmgrens", "Ekdahls", "Åkessons", "Lundbergs", "Fors",
]  # fmt: skip
_DEMO_TRADES = [
    "Bygg AB", "Måleri AB", "El & Tele AB", "VVS AB", "Bageri HB", "Åkeri AB",
    "Fastigheter AB", "Trädgård AB", "Frisörsalong", "Snickeri AB",
]  # fmt: skip


DEMO_FIRM_ORG_NUMBER = with_check_digit("556677889")


def demo_client(index: int) -> tuple[str, str, str]:
    """The name, organisation number and customer number of the demo firm's index-th client."""
    place = _DEMO_PLACES[index % len(_DEMO_PLACES)]
    trade = _DEMO_TRADES[(index // len(_DEMO_PLACES)) % len(_DEMO_TRADES)]
    # 7919 is prime to 10**6, so the 200 numbers are distinct and look scattered.
    org_number = with_check_digit(f"559{(100_000 + index * 7919) % 1_000_000:06d}")
    return f"{place} {trade}", org_number, f"K{1001 + index}"


def demo_accountant_is_system_admin(index: int) -> dict[str, bool]:
    """Which demo accountants hold the system-administrator right on the index-th client."""
    return {"demo": index % 7 != 6, "demo2": index % 4 == 0}


def demo_client_has_user(index: int) -> bool:
    return index % 6 == 1 and index // 6 < DEMO_CLIENTS_WITH_USERS


@dataclass
class DemoSeedResult:
    firm: Firm
    created_clients: int
    created_rights: int
    created_client_users: int
    password_changed: bool


def _ensure_accountant(*, username, full_name, email, firm, role, password_hash, password):
    user = User.objects.filter(username=username).first()
    changed = False
    if user is None:
        user = User(username=username, full_name=full_name, email=email)
        user.password = password_hash
        user.save()
        changed = True
    elif not user.check_password(password):
        user.password = password_hash
        user.save(update_fields=["password"])
        changed = True
    FirmMembership.objects.update_or_create(user=user, defaults={"firm": firm, "role": role})
    return user, changed


@transaction.atomic
def seed_demo_firm(*, password: str) -> DemoSeedResult:
    """Makes sure the demo firm exists as `make run` describes it, and nothing more.

    The firm "Demobyrån Redovisning AB"; accountants ``demo`` (firm administrator, and
    staff, so that it may open the local outbox) and
    ``demo2`` (member) with ``password``; 200 client companies with valid organisation
    numbers; ``demo`` system administrator on all but every 7th, ``demo2`` on every 4th;
    30 clients with one client user each (``demo.klient1`` ..., same password). Idempotent:
    what exists is kept, only what is missing is added (in bulk), and the password is set
    only where it differs.
    """
    firm, _ = Firm.objects.get_or_create(
        org_number=DEMO_FIRM_ORG_NUMBER, defaults={"name": DEMO_FIRM_NAME}
    )
    password_hash = make_password(password)
    demo, demo_changed = _ensure_accountant(
        username="demo",
        full_name="Dana Demo",
        email="demo@demobyran.example",
        firm=firm,
        role=FirmRole.ADMIN,
        password_hash=password_hash,
        password=password,
    )
    demo2, demo2_changed = _ensure_accountant(
        username="demo2",
        full_name="Dennis Demosson",
        email="demo2@demobyran.example",
        firm=firm,
        role=FirmRole.MEMBER,
        password_hash=password_hash,
        password=password,
    )
    accountants = {"demo": demo, "demo2": demo2}
    # The local outbox (/utveckling/utkorg/, DEBUG only) is for staff: demo may open it.
    User.objects.filter(pk=demo.pk, is_staff=False).update(is_staff=True)

    wanted = {demo_client(index)[1]: index for index in range(DEMO_CLIENT_COUNT)}
    existing = set(
        ClientCompany.objects.filter(firm=firm, org_number__in=wanted).values_list(
            "org_number", flat=True
        )
    )
    new_clients = []
    for org_number, index in wanted.items():
        if org_number not in existing:
            name, _, customer_number = demo_client(index)
            new_clients.append(
                ClientCompany(
                    firm=firm, name=name, org_number=org_number, customer_number=customer_number
                )
            )
    ClientCompany.objects.bulk_create(new_clients)
    client_ids = dict(
        ClientCompany.objects.filter(firm=firm, org_number__in=wanted).values_list(
            "org_number", "id"
        )
    )
    index_of_client = {client_ids[org_number]: index for org_number, index in wanted.items()}

    existing_rights = set(
        ClientRight.objects.filter(client__firm=firm, accountant__in=[demo, demo2]).values_list(
            "accountant_id", "client_id"
        )
    )
    new_rights = [
        ClientRight(accountant=accountants[username], client_id=client_id, is_system_admin=True)
        for client_id, index in index_of_client.items()
        for username, is_admin in demo_accountant_is_system_admin(index).items()
        if is_admin and (accountants[username].id, client_id) not in existing_rights
    ]
    ClientRight.objects.bulk_create(new_rights)

    with_users = {
        cid: index for cid, index in index_of_client.items() if demo_client_has_user(index)
    }
    usernames = {f"demo.klient{index // 6 + 1}": cid for cid, index in with_users.items()}
    existing_users = set(
        User.objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    new_users = [
        User(
            username=username,
            full_name=f"Klientanvändare {username.removeprefix('demo.klient')}",
            email=f"{username}@klient.example",
            password=password_hash,
        )
        for username in usernames
        if username not in existing_users
    ]
    User.objects.bulk_create(new_users)
    if demo_changed or demo2_changed:
        User.objects.filter(username__in=existing_users).update(password=password_hash)
    user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
    existing_memberships = set(
        ClientMembership.objects.filter(client_id__in=with_users).values_list(
            "client_id", "user_id"
        )
    )
    ClientMembership.objects.bulk_create(
        [
            ClientMembership(client_id=client_id, user_id=user_ids[username])
            for username, client_id in usernames.items()
            if (client_id, user_ids[username]) not in existing_memberships
        ]
    )
    return DemoSeedResult(
        firm=firm,
        created_clients=len(new_clients),
        created_rights=len(new_rights),
        created_client_users=len(new_users),
        password_changed=demo_changed or demo2_changed,
    )
