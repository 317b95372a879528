"""The admin of the campaign: one module per thing staff edit.

campaigns.py: the campaign and its legal identities; pages.py: pages, their drafts and their
calls to action, with the page's form (page_form.py) and the list's actions that publish
(page_publishing.py); calls_to_action.py: calls to action. languages.py shows each of them
the languages the site serves.
"""

from campaign.admin import calls_to_action, campaigns, pages  # noqa: F401 - they register
