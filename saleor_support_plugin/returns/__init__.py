"""Returns under the merchant's policy: what can be returned, requests, decisions and their emails.

Plain functions over plain data. Everything Saleor does (reading the order, its return action, refunds,
gift cards) goes through `port.ReturnsPort`, which `saleor_returns.py` implements inside Saleor.
"""
