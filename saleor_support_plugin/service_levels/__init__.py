"""Service levels: opening hours and business-time arithmetic, target policies, the case's clock (stamped
targets, paused while waiting on the customer), at-risk and breach detection, and the support report.

Plain functions over plain values and the plugin's own models; nothing here imports Saleor or the plugin's
edges (tasks, GraphQL, Dashboard, plugin)."""
