"""The data layer: schema, database (connect, engines), countries, the Frontex route table, the sample.

Nothing here imports the imports, analysis, views, dashboards or app layers.
"""
