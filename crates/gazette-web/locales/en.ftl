# Gazette's reader-facing text, English. A theme overrides any message by
# defining it again in THEME_DIR/locales/en.ftl.
# $n is a count already written with the language's digit grouping;
# $count is the same count as a number, for choosing the plural form.

## Dates. $weekday and $month are the names below.
date-long = { $weekday }, { $month } { $day }, { $year }
date-short = { $month-short } { $day }, { $year }
date-range = { $from } – { $to }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec
# Digit grouping: 12,345.
number-group = ,

## The frame of every page
skip-to-content = Skip to content
week-n = Week { $week }
week-n-year = Week { $week }, { $year }
week-edition = Week { $week } edition
search-label = Search stories
search-button = Search
nav-sections = Sections
nav-editions = Weekly editions
nav-site = Site
top-strip-title = Top stories
top-strip-empty = No stories yet this week.
footer-published = © { $year } { $site }. Published with Gazette.
feed-rss = RSS
feed-atom = Atom
follow = Follow:
description-site = { $site }: news, week { $week }.

## Story lists
by = By
and = and
views = { $count ->
    [one] { $n } view
   *[other] { $n } views
}
comments = { $count ->
    [one] { $n } comment
   *[other] { $n } comments
}
stories-count = { $count ->
    [one] { $n } story
   *[other] { $n } stories
}
latest-news = Latest news
pinned-stories = Pinned stories
stories = Stories
no-stories = No stories yet.
no-stories-site = No stories have been published yet.
page-n = Page { $page }
pages = Pages
newer-stories = ← Newer stories
older-stories = Older stories →
kind-section = Section
kind-contributor = Contributor
kind-source = Source
kind-tag = Tag
listing-description = { $kind } { $name } at { $site }

## The article page
article-by-account = by
sections = Sections
tags = Tags:
share-title = Share this story
# Before a link to the original of a story carried from another publication.
first-published = First published at
share-email = E-mail
related-headlines = Related headlines
related-stories = Related stories
more-in = More in { $section }
comment-heading = { $count ->
    [one] { $n } comment
   *[other] { $n } comments
}
comment-pending = Thank you. Your comment will appear once an editor has approved it.
comment-reply-to = Reply to { $name }
comment-leave = Leave a comment
comment-hint = Comments are read by an editor before they appear. Your e-mail address is never shown.
comment-name = Name
comment-email = E-mail (optional)
comment-body = Comment
comment-trap = Leave this empty
comment-post = Post comment
comment-cancel = Cancel reply
comment-not-posted = Your comment was not posted.
comment-error-name = Give a name of 1 to { $max } characters.
comment-error-email = The e-mail address does not look right: correct it, or leave it empty.
comment-error-length = Write between { $min } and { $max } characters; this comment has { $count }.
comment-error-links = A comment may hold at most { $max } links.
comment-error-reply = The comment you answer is not published on this story.
comment-error-duplicate = The same comment is already on this story.
comment-error-expired = This form has expired or was altered: check your comment and send it again.
comment-error-too-fast = That was faster than anyone can read and type: wait a few seconds and send it again.
comment-error-origin = This form was sent from another site.
comment-reply = Reply

## Top stories
top-title = Top stories, week { $week } of { $year }
top-kicker = Top stories
top-description = The most-read stories of week { $week }, { $year }, at { $site }.
top-dates = { $from } to { $to }
top-current = this week, updated every minute
top-final = final
top-list = The list
top-week-views = { $count ->
    [one] { $n } view this week
   *[other] { $n } views this week
}
top-empty = No stories were published in or shortly before this week.
top-how = How this list is made
top-formula = Stories published in the week or the three weeks before it, ranked by the views they got during the week (one per reader per day, robots left out), then by approved comments, then newest first. A week's list is frozen five minutes after the week ends (Monday 00:00 on the newsroom's clock).
week-before = ← Week before
week-after = Week after →
weeks-nav = Weeks

## Weekly editions
editions-title = Weekly editions
editions-intro = Every week's stories, on the newsroom's calendar, newest first.
editions-description = Every weekly edition of { $site }, newest first.
editions-none = No editions yet.
edition-description = Every story of week { $week }, { $year } ({ $dates }) at { $site }.
edition-growing = this week's edition, still growing
edition-other = Other stories
edition-empty = No stories were published this week.
edition-top = Top stories of the week
edition-top-full = The full list, and how it is made
edition-top-none = No ranking for this week.
edition-follow = Follow this week:
edition-all = All editions

## Search
search-title = Search
search-results = Search results
search-description = Search the stories of { $site }.
search-for = Search for
search-filters = Filters
search-section = Section
search-all-sections = All sections
search-only-by = Only stories by { $name }
search-only-from = Only stories from { $name }
search-from = From
search-to = to
search-order = Order
search-best = Best match
search-newest = Newest first
search-help-title = How to search
search-help-words = Type a few words: stories with all of them come first, headlines counting most.
search-help-phrase = Put words in quotes to find them together: "city council".
search-help-scripts = Armenian and English text are both found, whatever the letter case.
search-help-filters = Narrow down by section and dates with the filters.
search-unavailable = Search is being prepared on this server; please try again in a minute.
search-found = { $total ->
    [one] 1 story found for “{ $q }”.
   *[other] { $first }–{ $last } of { $n } stories found for “{ $q }”.
}
search-none = No stories found for “{ $q }”
search-none-spelling = Check the spelling, or use fewer or other words.
search-none-filters = Remove a filter or widen the dates.
search-none-browse = Browse the weekly editions or the sections above.
search-previous = ← Previous results
search-more = More results →
search-pages = Result pages
search-too-long = Your search was long; only its first { $max } characters were used.
search-no-section = There is no such section; searching all sections.
search-no-contributor = There is no such contributor; searching everyone's stories.
search-no-source = There is no such source; searching every source.
search-bad-from = The “from” date is not a date like 2025-11-24; it was left out.
search-bad-to = The “to” date is not a date like 2025-11-24; it was left out.
search-bad-page = There is no such page of results; here is the first.

## Errors
error-404-title = Page not found
error-404 = We could not find that page. It may have moved, or the address may be mistyped: try the search, or the front page.
error-410-title = Story taken down
error-410 = This story was here and has been taken down by the newsroom. Try the search, or the front page.
error-400-title = That did not work
error-403-title = Not allowed
error-429-title = Slow down
error-429 = Too many requests from your address; wait a minute and try again.
error-500-title = Server error
error-500 = Something went wrong on our side. Please try again in a moment.
error-home = Go to the front page
