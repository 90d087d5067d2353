"""The Streamlit glue: `common` (cached resources, escaped output, URL state, the exhibit card)
and one module per page (`map_page`, `planner_page`). The domain stays in dashboard/."""
