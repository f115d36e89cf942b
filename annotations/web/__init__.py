"""The desk's interface: its pages (one module per subject), forms, the claim
panel's presenter (panels.py) and the article text's HTML (spans.py).

Views parse input, call one service or query, render. Every page works as plain
HTML forms; with htmx, saving a claim swaps the side panel and the claim's span
in place instead of reloading the page. Every page needs the viewer role; a page
offers only what the user's role may do, and a post of anything else is refused
here (403) and again by the services.
"""
