# Gazette's reader-facing text, Armenian (hy). A theme overrides any
# message by defining it again in THEME_DIR/locales/hy.ftl.

## Dates (CLDR: "y թ. MMMM d, EEEE" and "d MMM, y թ.").
date-long = { $year } թ. { $month } { $day }, { $weekday }
date-short = { $day } { $month-short }, { $year } թ.
date-range = { $from } – { $to }
weekday-1 = երկուշաբթի
weekday-2 = երեքշաբթի
weekday-3 = չորեքշաբթի
weekday-4 = հինգշաբթի
weekday-5 = ուրբաթ
weekday-6 = շաբաթ
weekday-7 = կիրակի
month-1 = հունվարի
month-2 = փետրվարի
month-3 = մարտի
month-4 = ապրիլի
month-5 = մայիսի
month-6 = հունիսի
month-7 = հուլիսի
month-8 = օգոստոսի
month-9 = սեպտեմբերի
month-10 = հոկտեմբերի
month-11 = նոյեմբերի
month-12 = դեկտեմբերի
month-short-1 = հնվ
month-short-2 = փտվ
month-short-3 = մրտ
month-short-4 = ապր
month-short-5 = մյս
month-short-6 = հնս
month-short-7 = հլս
month-short-8 = օգս
month-short-9 = սեպ
month-short-10 = հոկ
month-short-11 = նոյ
month-short-12 = դեկ
# Digit grouping: 12 345, with a no-break space.
number-group = { "\u00A0" }

## The frame of every page
skip-to-content = Անցնել բովանդակությանը
week-n = Շաբաթ { $week }
week-n-year = { $year } թ., շաբաթ { $week }
week-edition = Շաբաթ { $week }-ի համարը
search-label = Որոնել նյութեր
search-button = Որոնել
nav-sections = Բաժիններ
nav-editions = Շաբաթական համարներ
nav-site = Կայք
top-strip-title = Գլխավոր նյութեր
top-strip-empty = Այս շաբաթ դեռ նյութեր չկան։
footer-published = © { $year } { $site }։ Հրապարակված է Gazette-ով։
feed-rss = RSS
feed-atom = Atom
follow = Հետևել՝
description-site = { $site }՝ լուրեր, շաբաթ { $week }։

## Story lists
by = Հեղինակ՝
and = և
views = { $count ->
    [one] { $n } դիտում
   *[other] { $n } դիտում
}
comments = { $count ->
    [one] { $n } մեկնաբանություն
   *[other] { $n } մեկնաբանություն
}
stories-count = { $count ->
    [one] { $n } նյութ
   *[other] { $n } նյութ
}
latest-news = Վերջին լուրեր
pinned-stories = Ամրացված նյութեր
stories = Նյութեր
no-stories = Դեռ նյութեր չկան։
no-stories-site = Դեռ ոչ մի նյութ չի հրապարակվել։
page-n = Էջ { $page }
pages = Էջեր
newer-stories = ← Ավելի նոր նյութեր
older-stories = Ավելի հին նյութեր →
kind-section = Բաժին
kind-contributor = Հեղինակ
kind-source = Աղբյուր
kind-tag = Պիտակ
listing-description = { $kind }՝ { $name }, { $site }

## The article page
article-by-account = հրապարակող՝
sections = Բաժիններ
tags = Պիտակներ՝
share-title = Կիսվել նյութով
first-published = Առաջին անգամ հրապարակվել է՝
share-email = Էլ. փոստ
related-headlines = Առնչվող վերնագրեր
related-stories = Առնչվող նյութեր
more-in = Ավելին «{ $section }» բաժնում
comment-heading = { $count ->
    [one] { $n } մեկնաբանություն
   *[other] { $n } մեկնաբանություն
}
comment-pending = Շնորհակալություն։ Ձեր մեկնաբանությունը կհայտնվի խմբագրի հաստատումից հետո։
comment-reply-to = Պատասխան { $name }-ին
comment-leave = Թողնել մեկնաբանություն
comment-hint = Մեկնաբանությունները կարդում է խմբագիրը՝ նախքան հրապարակելը։ Ձեր էլ. հասցեն երբեք չի ցուցադրվում։
comment-name = Անուն
comment-email = Էլ. փոստ (ըստ ցանկության)
comment-body = Մեկնաբանություն
comment-trap = Թողեք դատարկ
comment-post = Հրապարակել մեկնաբանությունը
comment-cancel = Չեղարկել պատասխանը
comment-not-posted = Ձեր մեկնաբանությունը չհրապարակվեց։
comment-error-name = Գրեք անուն՝ 1-ից { $max } նիշ։
comment-error-email = Էլ. փոստի հասցեն ճիշտ չի թվում․ ուղղեք այն կամ թողեք դատարկ։
comment-error-length = Գրեք { $min }-ից { $max } նիշ․ այս մեկնաբանությունն ունի { $count } նիշ։
comment-error-links = Մեկնաբանությունը կարող է ունենալ առավելագույնը { $max } հղում։
comment-error-reply = Մեկնաբանությունը, որին պատասխանում եք, այս նյութի տակ հրապարակված չէ։
comment-error-duplicate = Նույն մեկնաբանությունն արդեն կա այս նյութի տակ։
comment-error-expired = Ձևաթուղթը հնացել է կամ փոփոխվել է․ ստուգեք մեկնաբանությունը և ուղարկեք կրկին։
comment-error-too-fast = Սա ավելի արագ էր, քան հնարավոր է կարդալ և գրել․ սպասեք մի քանի վայրկյան և ուղարկեք կրկին։
comment-error-origin = Այս ձևաթուղթն ուղարկվել է այլ կայքից։
comment-reply = Պատասխանել

## Top stories
top-title = Գլխավոր նյութերը, { $year } թ., շաբաթ { $week }
top-kicker = Գլխավոր նյութեր
top-description = { $site }-ի ամենաընթերցված նյութերը { $year } թ. { $week }-րդ շաբաթում։
top-dates = { $from } – { $to }
top-current = այս շաբաթ, թարմացվում է ամեն րոպե
top-final = վերջնական
top-list = Ցանկը
top-week-views = { $count ->
    [one] { $n } դիտում այս շաբաթ
   *[other] { $n } դիտում այս շաբաթ
}
top-empty = Այս շաբաթ կամ դրանից քիչ առաջ նյութեր չեն հրապարակվել։
top-how = Ինչպես է կազմվում ցանկը
top-formula = Շաբաթվա ընթացքում կամ դրան նախորդող երեք շաբաթներում հրապարակված նյութերը դասավորվում են ըստ շաբաթվա դիտումների (մեկ ընթերցողից օրական մեկ դիտում, առանց ռոբոտների), ապա ըստ հաստատված մեկնաբանությունների, ապա՝ նորերը առաջինը։ Շաբաթվա ցանկը սառեցվում է շաբաթվա ավարտից հինգ րոպե անց (երկուշաբթի 00:00՝ խմբագրության ժամով)։
week-before = ← Նախորդ շաբաթ
week-after = Հաջորդ շաբաթ →
weeks-nav = Շաբաթներ

## Weekly editions
editions-title = Շաբաթական համարներ
editions-intro = Յուրաքանչյուր շաբաթվա նյութերը՝ խմբագրության օրացույցով, նորերը առաջինը։
editions-description = { $site }-ի բոլոր շաբաթական համարները, նորերը առաջինը։
editions-none = Դեռ համարներ չկան։
edition-description = { $site }-ի բոլոր նյութերը { $year } թ. { $week }-րդ շաբաթում ({ $dates })։
edition-growing = այս շաբաթվա համարը, դեռ համալրվում է
edition-other = Այլ նյութեր
edition-empty = Այս շաբաթ նյութեր չեն հրապարակվել։
edition-top = Շաբաթվա գլխավոր նյութերը
edition-top-full = Ամբողջական ցանկը և ինչպես է այն կազմվում
edition-top-none = Այս շաբաթվա համար դասակարգում չկա։
edition-follow = Հետևել այս շաբաթին՝
edition-all = Բոլոր համարները

## Search
search-title = Որոնում
search-results = Որոնման արդյունքներ
search-description = Որոնել { $site }-ի նյութերում։
search-for = Որոնել
search-filters = Զտիչներ
search-section = Բաժին
search-all-sections = Բոլոր բաժինները
search-only-by = Միայն { $name }-ի նյութերը
search-only-from = Միայն { $name } աղբյուրից
search-from = Սկսած
search-to = մինչև
search-order = Դասավորել
search-best = Ըստ համապատասխանության
search-newest = Նորերը առաջինը
search-help-title = Ինչպես որոնել
search-help-words = Գրեք մի քանի բառ. առաջինը կլինեն բոլոր բառերը պարունակող նյութերը, վերնագիրն ամենից շատ է կշռում։
search-help-phrase = Բառերը միասին գտնելու համար դրեք չակերտների մեջ՝ "քաղաքային խորհուրդ"։
search-help-scripts = Գտնվում են և՛ հայերեն, և՛ անգլերեն տեքստերը՝ անկախ մեծատառերից։
search-help-filters = Նեղացրեք որոնումը ըստ բաժնի և ամսաթվերի։
search-unavailable = Որոնումը դեռ պատրաստվում է այս սերվերում. խնդրում ենք փորձել մեկ րոպեից։
search-found = { $total ->
    [one] Գտնվել է 1 նյութ «{ $q }» հարցման համար։
   *[other] { $first }–{ $last }՝ գտնված { $n } նյութից «{ $q }» հարցման համար։
}
search-none = «{ $q }» հարցմամբ նյութեր չեն գտնվել
search-none-spelling = Ստուգեք ուղղագրությունը կամ օգտագործեք քիչ կամ այլ բառեր։
search-none-filters = Հանեք զտիչը կամ ընդլայնեք ամսաթվերը։
search-none-browse = Դիտեք շաբաթական համարները կամ վերևի բաժինները։
search-previous = ← Նախորդ արդյունքներ
search-more = Ավելի շատ արդյունքներ →
search-pages = Արդյունքների էջեր
search-too-long = Ձեր հարցումը երկար էր. օգտագործվել է միայն առաջին { $max } նիշը։
search-no-section = Այդպիսի բաժին չկա. որոնում ենք բոլոր բաժիններում։
search-no-contributor = Այդպիսի հեղինակ չկա. որոնում ենք բոլորի նյութերում։
search-no-source = Այդպիսի աղբյուր չկա. որոնում ենք բոլոր աղբյուրներում։
search-bad-from = «Սկսած» ամսաթիվը 2025-11-24 տեսքի ամսաթիվ չէ. այն հաշվի չի առնվել։
search-bad-to = «Մինչև» ամսաթիվը 2025-11-24 տեսքի ամսաթիվ չէ. այն հաշվի չի առնվել։
search-bad-page = Արդյունքների այդպիսի էջ չկա. ահա առաջինը։

## Errors
error-404-title = Էջը չի գտնվել
error-404 = Այդ էջը չգտանք։ Հնարավոր է՝ այն տեղափոխվել է, կամ հասցեն սխալ է գրված. փորձեք որոնումը կամ գլխավոր էջը։
error-410-title = Նյութը հանված է
error-410 = Այս նյութը եղել է այստեղ, և խմբագրությունը այն հանել է։ Փորձեք որոնումը կամ գլխավոր էջը։
error-400-title = Չստացվեց
error-403-title = Թույլատրված չէ
error-429-title = Դանդաղեցրեք
error-429 = Ձեր հասցեից չափազանց շատ հարցումներ են եկել. սպասեք մեկ րոպե և նորից փորձեք։
error-500-title = Սերվերի սխալ
error-500 = Մեր կողմից ինչ-որ բան սխալ գնաց։ Խնդրում ենք փորձել մի փոքր ուշ։
error-home = Գնալ գլխավոր էջ
