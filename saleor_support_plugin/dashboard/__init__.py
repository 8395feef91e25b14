"""The support pages inside the Saleor Dashboard: a companion app the plugin serves itself.

The plugin serves the app's manifest, an order-details widget and a support-queue page at its own webhook URL.
Every page and action is authorised by the token the Dashboard hands over, verified in-process.
"""
