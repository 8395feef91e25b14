"""Escalation of a late order to a support case leaves the notice pipeline for a watch of its own.

Rows of the old mechanism are carried over: a watchlist row of the pseudo stage 'escalation', and a queued
'escalation' notice not yet handled, become an escalation watch due at the same time; a handled one ('escalated',
or skipped, failed, interrupted) is remembered as the order's escalation trigger, so the order never gets a second
case. The pseudo rows are then deleted.
"""

from django.db import migrations, models

ESCALATION = "escalation"
NOT_HANDLED = ("pending", "sending", "retrying")
TRIGGER_KEY = "delay:age"


def move_escalations(apps, schema_editor):
    DelayWatch = apps.get_model("saleor_support_plugin", "DelayWatch")
    DelayNotice = apps.get_model("saleor_support_plugin", "DelayNotice")
    EscalationWatch = apps.get_model("saleor_support_plugin", "EscalationWatch")
    CaseTrigger = apps.get_model("saleor_support_plugin", "CaseTrigger")
    waiting = [
        *DelayWatch.objects.filter(stage=ESCALATION),
        *DelayNotice.objects.filter(stage=ESCALATION, status__in=NOT_HANDLED),
    ]
    for row in waiting:
        EscalationWatch.objects.update_or_create(
            order_id=row.order_id, defaults={"order_number": row.order_number, "due_at": row.due_at}
        )
    for notice in DelayNotice.objects.filter(stage=ESCALATION).exclude(status__in=NOT_HANDLED):
        CaseTrigger.objects.get_or_create(
            order_id=notice.order_id, key=TRIGGER_KEY, defaults={"case_id": notice.case_id}
        )
    DelayNotice.objects.filter(stage=ESCALATION).delete()
    DelayWatch.objects.filter(stage=ESCALATION).delete()


def move_escalations_back(apps, schema_editor):
    DelayWatch = apps.get_model("saleor_support_plugin", "DelayWatch")
    EscalationWatch = apps.get_model("saleor_support_plugin", "EscalationWatch")
    for row in EscalationWatch.objects.all():
        DelayWatch.objects.update_or_create(
            order_id=row.order_id, stage=ESCALATION, defaults={"order_number": row.order_number, "due_at": row.due_at}
        )


STAGES = [
    ("not_shipped", "Not shipped within the handling time"),
    ("delivery_overdue", "Shipment past its promised delivery date"),
    ("approval_pending", "Fulfillment waiting for approval too long"),
]
STATUSES = [
    ("pending", "Queued"),
    ("sending", "Sending"),
    ("retrying", "Waiting to retry"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("skipped", "Not sent"),
    ("interrupted", "Interrupted mid-send"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("saleor_support_plugin", "0010_order_changes_read"),
    ]

    operations = [
        migrations.CreateModel(
            name="EscalationWatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("order_id", models.UUIDField(unique=True)),
                ("order_number", models.CharField(blank=True, max_length=32)),
                ("due_at", models.DateTimeField(db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(move_escalations, move_escalations_back),
        migrations.AlterField(
            model_name="delaywatch",
            name="stage",
            field=models.CharField(choices=STAGES, max_length=32),
        ),
        migrations.AlterField(
            model_name="delaynotice",
            name="stage",
            field=models.CharField(choices=STAGES, max_length=32),
        ),
        migrations.AlterField(
            model_name="delaynotice",
            name="status",
            field=models.CharField(choices=STATUSES, default="pending", max_length=16),
        ),
        migrations.AlterField(
            model_name="caseemail",
            name="status",
            field=models.CharField(choices=STATUSES, default="pending", max_length=16),
        ),
    ]
