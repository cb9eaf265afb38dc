"""Many new rows of one model that share most of their values, written as one statement.

Django's ``bulk_create`` prepares every field of every object: for the 75 outbox rows and 50
events of a 50-row submit (15 and 6 columns) that was a third of the request's time (issue
11). Here a column whose value is the same in every row is prepared once and sent as one
parameter, and only the columns that differ go as arrays, through PostgreSQL's UNNEST (as
``bulk_create`` does there too). The rows written, and the primary keys set on the objects,
are those ``bulk_create`` would give; like it, no ``save()`` and no signals.

``insert_all`` takes model instances; ``insert_columns`` takes the values column by column,
for rows that nothing reads back as objects (a submit's memberships and events), so that no
instance is built for them at all.
"""

from django.db import connections, router
from django.db.models import Field, Model


def insert_all(objects: list[Model]) -> list[Model]:
    """Inserts ``objects`` (unsaved instances of one model with an automatic primary key)
    and returns them with their primary keys set. A field with ``auto_now_add`` gets one
    timestamp for the whole set. Not PostgreSQL (the local run's SQLite): ``bulk_create``."""
    if not objects:
        return objects
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects)
    fields = _columns(model)
    relations = [field for field in fields if field.is_relation]
    for obj in objects:
        # As bulk_create: a related object saved since it was assigned gives its key now (or
        # an unsaved one is refused). Asked only of a row that lacks a key.
        if any(getattr(obj, field.attname) is None for field in relations):
            obj._prepare_related_fields_for_save(operation_name="insert_all")
    first = objects[0]
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            stamp = field.pre_save(first, add=True)
            for obj in objects[1:]:
                setattr(obj, field.attname, stamp)

    shared, varying = {}, {}
    for field in fields:
        values = [getattr(obj, field.attname) for obj in objects]
        if all(value == values[0] for value in values[1:]):
            shared[field] = values[0]
        else:
            varying[field] = values
    keys = _insert(connection, model, shared, varying, count=len(objects))
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def insert_columns(model: type[Model], **columns) -> list:
    """Inserts rows of ``model`` given column by column and returns their primary keys, in
    row order. Each keyword names a field (``client_id`` or ``client`` for a foreign key's
    key); a list gives each row its own value, any other value is every row's. A field not
    named gets its default, the same in every row (``auto_now_add``: one timestamp).

        insert_columns(InvitationEvent, invitation_id=[...], kind="created", created_at=now)
    """
    lists = {len(values) for values in columns.values() if isinstance(values, list)}
    if len(lists) != 1:
        raise ValueError("insert_columns needs at least one list, and lists of one length.")
    [count] = lists
    if not count:
        return []
    given = {model._meta.get_field(name).attname: values for name, values in columns.items()}
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        objects = [
            model(
                **{
                    name: values[n] if isinstance(values, list) else values
                    for name, values in given.items()
                }
            )
            for n in range(count)
        ]
        return [obj.pk for obj in model.objects.bulk_create(objects)]
    template = model()  # every default, once
    shared, varying = {}, {}
    for field in _columns(model):
        if field.attname in given:
            values = given[field.attname]
            (varying if isinstance(values, list) else shared)[field] = values
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            shared[field] = field.pre_save(template, add=True)
        else:
            shared[field] = getattr(template, field.attname)
    return _insert(connection, model, shared, varying, count=count)


def _columns(model: type[Model]) -> list[Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _insert(connection, model, shared: dict, varying: dict, *, count: int) -> list:
    """One INSERT … SELECT: ``shared`` values (by field) as single parameters, ``varying``
    ones (lists by field, ``count`` long) as arrays through UNNEST. Returns the new keys."""
    shared = {field: field.get_db_prep_save(value, connection) for field, value in shared.items()}
    varying = {
        field: [field.get_db_prep_save(value, connection) for value in values]
        for field, values in varying.items()
    }
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*varying, *shared])
    selected = [f"given.c{n}" for n in range(len(varying))]
    selected += [f"%s::{field.db_type(connection)}" for field in shared]
    if varying:
        arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in varying)
        names = ", ".join(f"c{n}" for n in range(len(varying)))
        source, source_params = f"UNNEST({arrays}) AS given({names})", list(varying.values())
    else:
        source, source_params = "generate_series(1, %s) AS given", [count]
    meta = model._meta
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"SELECT {', '.join(selected)} FROM {source} "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*shared.values(), *source_params])
        return [row[0] for row in cursor.fetchall()]
