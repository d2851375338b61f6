"""Read models of analysis results, fed by the analysis' events.

The gateway answers from these, so it keeps answering while the analysis service is down.
"""
