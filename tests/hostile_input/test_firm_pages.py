"""Hostile input to every firm-side view that takes any: never a server error, and an error
answer writes nothing."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from bureau.models import FirmRole
from inbound.services.addresses import address_for
from inbound.services.receiving import receive_message
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientMembershipFactory, administered_client
from tests.documents.factories import DocumentFactory
from tests.inbound.mail import pdf, raw_mime
from tests.invitations.factories import InvitationFactory
from tests.invitations.wizard import start

from .conftest import (
    assert_no_server_error_and_nothing_half_written,
    hostile_form,
    hostile_settings,
    hostile_text,
    hostile_value,
    uploaded_file,
)

# Ids as a URL's path takes them (ASCII digits only): zero, real-looking, beyond bigint.
path_ids = st.one_of(st.integers(min_value=0, max_value=2**70), st.sampled_from([2**63, 2**64]))


@pytest.fixture
def world(firm):
    """A firm administrator with a client awaiting users, a client user never invited, a
    pending invitation, a document and a mail from a new sender waiting for a decision:
    something for every view to find."""
    accountant = AccountantFactory(firm_membership__firm=firm, firm_membership__role=FirmRole.ADMIN)
    empty = administered_client(accountant, firm, name="Alfa Bygg AB")
    served = administered_client(accountant, firm, name="Beta Bageri AB")
    never_invited = ClientMembershipFactory(user__password=None, client=served).user
    invited = ClientMembershipFactory(user__password=None, client=served).user
    invitation = InvitationFactory(user=invited, client=served)
    document = DocumentFactory(client=served)
    address = address_for(client=served)
    raw = raw_mime(
        sender="Lev AB <faktura@leverantor.example>",
        to=address.email,
        files=[("faktura.pdf", pdf(1), "application/pdf")],
    )
    [received] = receive_message(raw=raw, channel="test")
    return {
        "waiting_mail": received.message,
        "accountant": accountant,
        "empty": empty,
        "served": served,
        "never_invited": never_invited,
        "invitation": invitation,
        "document": document,
    }


@pytest.fixture
def http(client, world):
    client.force_login(world["accountant"])
    return client


def with_real(values, real: int):
    """Hostile values, sometimes beside the id of a real row, so the good path runs too."""
    return st.one_of(values, st.lists(st.one_of(hostile_text, st.just(str(real))), max_size=4))


# --- The wizard -----------------------------------------------------------------------------


@hostile_settings
@given(data=hostile_form("choice", "utkast"), query=hostile_form("utkast", extra_keys=False))
def test_wizard_step_one(http, data, query):
    url = reverse("invitations:wizard")
    assert_no_server_error_and_nothing_half_written(lambda: http.get(url, query))
    assert_no_server_error_and_nothing_half_written(lambda: http.post(url, data))


@hostile_settings
@given(query=hostile_form("q", "visa", "sida"))
@example(query={"q": "\x00"})  # reported: PostgreSQL refuses a NUL
@example(query={"q": "Al\x01fa", "sida": "²", "visa": "markerade"})
def test_wizard_new_users_listing(http, query):
    step = start(http)
    assert_no_server_error_and_nothing_half_written(lambda: http.get(step, query))


def row_fields(client_id) -> list[str]:
    return [f"r{client_id}-{name}" for name in ("full_name", "email", "mobile", "username")] + [
        f"r{client_id}-language",
        f"r{client_id}-marked",
        f"r{client_id}-username_auto",
    ]


hostile_upload = st.builds(
    uploaded_file,
    st.one_of(
        st.sampled_from(["lista.xlsx", "lista.csv", "a\x00.csv", "²", "../../x.xlsx"]),
        st.text(max_size=20),
    ),
    st.one_of(
        st.binary(max_size=200),
        st.sampled_from([b"PK\x03\x04" + b"\x00" * 40, "Namn;E-post\nÅsa;a@b.se\n".encode()]),
    ),
)


@st.composite
def wizard_posts(draw, client_id: int):
    data = draw(
        hostile_form(
            "action",
            "marking",
            "q",
            "current_q",
            "visa",
            "sida",
            "goto",
            "paste",
            *row_fields(client_id),
            ids=("row",),
        )
    )
    if draw(st.booleans()):
        data["row"] = draw(with_real(hostile_value, client_id))
    if draw(st.booleans()):
        data["file"] = draw(hostile_upload)
    return data


@hostile_settings
@given(data=st.data())
def test_wizard_new_users_posts_and_bulk_entry(http, world, data):
    """Step 2's every button, with rows, a paste or a file; then the review's both posts."""
    step = start(http)
    review = step.replace("/nya/", "/granska/")
    for url in (step, review):
        posted = data.draw(wizard_posts(world["empty"].pk))
        assert_no_server_error_and_nothing_half_written(lambda u=url, p=posted: http.post(u, p))
    assert_no_server_error_and_nothing_half_written(lambda: http.post(review, {}))


@hostile_settings
@given(
    query=hostile_form("q", "visa", "sida"),
    data=hostile_form("action", "q", "current_q", "visa", "sida", "goto", ids=("visible", "user")),
    real=st.booleans(),
)
@example(query={"q": "\x00"}, data={"action": "review", "visible": ["²"]}, real=False)
@example(query={}, data={"action": "review", "user": ["²", str(2**63)]}, real=True)
def test_wizard_existing_users(http, world, query, data, real):
    step = start(http, "existing_users")
    if real:
        data = {**data, "visible": [str(world["never_invited"].pk)], "user": data.get("user", [])}
    assert_no_server_error_and_nothing_half_written(lambda: http.get(step, query))
    assert_no_server_error_and_nothing_half_written(lambda: http.post(step, data))
    review = step.replace("/befintliga/", "/befintliga/granska/")
    assert_no_server_error_and_nothing_half_written(lambda: http.get(review, query))
    assert_no_server_error_and_nothing_half_written(lambda: http.post(review, data))


@hostile_settings
@given(file_format=hostile_text, query=hostile_form("q"))
def test_wizard_client_list_download(http, file_format, query):
    url = "/inbjudningar/bjud-in/klienter-utan-anvandare." + file_format.replace("/", "")
    assert_no_server_error_and_nothing_half_written(lambda: http.get(url, query))


# --- Invitations ----------------------------------------------------------------------------


@hostile_settings
@given(query=hostile_form("utskick", "status", "sida"))
def test_invitations_overview_filters(http, query):
    url = reverse("invitations:overview")
    assert_no_server_error_and_nothing_half_written(lambda: http.get(url, query))


@hostile_settings
@given(
    posted=hostile_form("next", ids=("invitation",)),
    beside_real=st.booleans(),
    action=st.sampled_from(["invitations:resend", "invitations:revoke"]),
)
@example(posted={"invitation": ["²"]}, beside_real=False, action="invitations:resend")
@example(posted={"invitation": ["²"]}, beside_real=True, action="invitations:revoke")
def test_resend_and_revoke(http, world, posted, beside_real, action):
    if beside_real:
        ids = posted.get("invitation", [])
        ids = [ids] if isinstance(ids, str) else ids
        posted = {**posted, "invitation": [*ids, str(world["invitation"].pk)]}
    response = assert_no_server_error_and_nothing_half_written(
        lambda: http.post(reverse(action), posted)
    )
    if response.status_code == 302:
        assert response.url.startswith("/") and not response.url.startswith("//")


@hostile_settings
@given(
    data=hostile_form("full_name", "email", "mobile", "language"),
    pk=st.one_of(path_ids, st.just(None)),
)
def test_correct_and_detail(http, world, data, pk):
    pk = world["invitation"].pk if pk is None else pk
    for name in ("invitations:detail", "invitations:correct"):
        url = reverse(name, args=[pk])
        assert_no_server_error_and_nothing_half_written(lambda u=url: http.get(u))
    url = reverse("invitations:correct", args=[pk])
    assert_no_server_error_and_nothing_half_written(lambda: http.post(url, data))


@hostile_settings
@given(pk=path_ids)
def test_batch_result(http, pk):
    url = reverse("invitations:batch_result", args=[pk])
    assert_no_server_error_and_nothing_half_written(lambda: http.get(url))


@hostile_settings
@given(query=hostile_form("q", "ordning", "sida"), data=hostile_form("steg", "sida", "q"))
def test_adoption_page(http, query, data):
    url = reverse("invitations:adoption")
    assert_no_server_error_and_nothing_half_written(lambda: http.get(url, query))
    assert_no_server_error_and_nothing_half_written(lambda: http.post(url, data))


# --- Clients ----------------------------------------------------------------------------------


@hostile_settings
@given(
    query=hostile_form("q", "ordning", "sida"),
    data=hostile_form("name", "org_number", "customer_number"),
    pk=st.one_of(path_ids, st.just(None)),
)
def test_client_list_create_and_card(http, world, query, data, pk):
    pk = world["served"].pk if pk is None else pk
    assert_no_server_error_and_nothing_half_written(
        lambda: http.get(reverse("clients:list"), query)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: http.post(reverse("clients:create"), data)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: http.get(reverse("clients:detail", args=[pk]), query)
    )


# --- Documents --------------------------------------------------------------------------------


@hostile_settings
@given(
    query=hostile_form("client", "q", "status", "sida"),
    data=hostile_form("next"),
    pk=st.one_of(path_ids, st.just(None)),
)
def test_documents_list_download_and_handled(http, world, query, data, pk):
    pk = world["document"].pk if pk is None else pk
    assert_no_server_error_and_nothing_half_written(
        lambda: http.get(reverse("documents:firm_list"), query)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: http.get(reverse("documents:download", args=[pk]), query)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: http.post(reverse("documents:mark_handled", args=[pk]), data)
    )


# --- Underlag by e-mail -----------------------------------------------------------------------


@hostile_settings
@given(
    query=hostile_form("klient", "utfall", "sida"),
    data=hostile_form("beslut", "next", "auto_reply"),
    pk=st.one_of(path_ids, st.just(None)),
    trust_pk=path_ids,
    decision=st.one_of(st.none(), st.sampled_from(["godkann", "avsandare", "doman", "avvisa"])),
)
@example(query={}, data={"next": "//evil.example/"}, pk=None, trust_pk=1, decision="avsandare")
def test_inbound_pages(http, world, query, data, pk, trust_pk, decision):
    """The mail log's filters, the quarantine's decisions (accept, trust sender or domain,
    reject) on the waiting mail or none, a client's mail page and its buttons."""
    client_pk = world["served"].pk
    message_pk = world["waiting_mail"].pk if pk is None else pk
    pk = client_pk if pk is None else pk
    if decision is not None:
        data = {**data, "beslut": decision}
    assert_no_server_error_and_nothing_half_written(
        lambda: http.get(reverse("inbound:messages"), query)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: http.post(reverse("inbound:decide", args=[message_pk]), data)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: http.post(reverse("inbound:auto_reply"), data)
    )
    for url in (
        reverse("inbound:client", args=[pk]),
        reverse("inbound:contact_card", args=[pk]),
    ):
        assert_no_server_error_and_nothing_half_written(lambda u=url: http.get(u, query))
    for url in (
        reverse("inbound:replace_address", args=[pk]),
        reverse("inbound:remove_trust", args=[client_pk, trust_pk]),
        reverse("inbound:remove_trust", args=[pk, trust_pk]),
    ):
        assert_no_server_error_and_nothing_half_written(lambda u=url: http.post(u, data))


# --- Passkeys and the language menu ------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)
json_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {}, optional={"credential": json_values, "name": json_values, "next": json_values}
    ),
)


@hostile_settings
@given(body=json_bodies, raw=st.binary(max_size=100), data=hostile_form("next"), pk=path_ids)
def test_passkey_views(http, body, raw, data, pk):
    import json

    assert_no_server_error_and_nothing_half_written(lambda: http.get(reverse("passkeys:manage")))
    http.post(reverse("passkeys:registration_options"))
    for payload in (json.dumps(body), raw):
        assert_no_server_error_and_nothing_half_written(
            lambda p=payload: http.post(
                reverse("passkeys:register"), p, content_type="application/json"
            )
        )
    assert_no_server_error_and_nothing_half_written(
        lambda: http.post(reverse("passkeys:remove", args=[pk]), data)
    )


@hostile_settings
@given(data=hostile_form("language", "next"))
def test_language_menu(http, data):
    assert_no_server_error_and_nothing_half_written(
        lambda: http.post(reverse("set_language"), data)
    )


# --- Django's admin -----------------------------------------------------------------------------

ADMIN_MODELS = [
    "accounts/user",
    "bureau/firm",
    "clients/clientcompany",
    "clients/clientright",
    "invitations/invitation",
    "invitations/delivery",
    "documents/document",
    "axes/accessattempt",
]


@hostile_settings
@given(
    model=st.sampled_from(ADMIN_MODELS),
    query=hostile_form("q", "o", "p", "id", "id__exact", "status", "firm__id__exact", "e"),
    object_id=st.one_of(hostile_text.filter(lambda v: v.strip("./") != ""), path_ids.map(str)),
)
def test_admin_changelists_and_change_pages(admin_client, world, model, query, object_id):
    assert_no_server_error_and_nothing_half_written(
        lambda: admin_client.get(f"/admin/{model}/", query)
    )
    change = f"/admin/{model}/{quote(object_id, safe='')}/change/"
    assert_no_server_error_and_nothing_half_written(lambda: admin_client.get(change))
