"""Customer support for Saleor: proactive delay notices and support cases linked to orders."""

__version__ = "0.1.0"
