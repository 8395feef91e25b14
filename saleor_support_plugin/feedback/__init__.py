"""Feedback from customers: a survey after a case is resolved (signed one-click rating links, a comment box,
`supportCaseRate`), low ratings flagged for a person, and the CSAT figures of the support report.

Plain functions over the plugin's models and settings; links are signed with Django's `signing` (HMAC with
the deployment's SECRET_KEY, timestamped so they expire). Nothing here imports Saleor or the plugin's edges."""
