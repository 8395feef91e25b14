from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("saleor_support_plugin", "0009_delivery_claims"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderChangesRead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=32, unique=True)),
                ("read_until", models.DateTimeField()),
            ],
        ),
    ]
