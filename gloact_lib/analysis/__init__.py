"""Analysis: selections, flows, disclosure control, commitments measures, profiles.

Every query a view needs lives here and returns DataFrames.  Depends on data only.
"""
