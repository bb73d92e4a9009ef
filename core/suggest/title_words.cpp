#include "title_words.h"

#include <QRegularExpression>

namespace listinglens {

namespace {

bool fillerKey(const QString &lower)
{
    static const QSet<QString> words = {
        QStringLiteral("a"),    QStringLiteral("an"),   QStringLiteral("the"),  QStringLiteral("and"),  QStringLiteral("or"),
        QStringLiteral("with"), QStringLiteral("for"),  QStringLiteral("of"),   QStringLiteral("in"),   QStringLiteral("on"),
        QStringLiteral("to"),   QStringLiteral("at"),   QStringLiteral("by"),   QStringLiteral("from"), QStringLiteral("x"),
        QStringLiteral("is"),   QStringLiteral("it"),   QStringLiteral("its"),  QStringLiteral("this"), QStringLiteral("sale"),
        QStringLiteral("&"),    QStringLiteral("+"),    QStringLiteral("-"),    QStringLiteral("very"), QStringLiteral("only"),
        QStringLiteral("item"), QStringLiteral("£"),    QStringLiteral("ono")};
    return words.contains(lower);
}

} // namespace

QStringList titleTokens(const QString &title)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,;/|()\\[\\]!?:\"*]+"));
    static const QRegularExpression ends(QStringLiteral("^[.'`\\-_~#]+|[.'`\\-_~#]+$"));
    QStringList tokens;
    for (QString t : title.split(separators, Qt::SkipEmptyParts)) {
        t.remove(ends);
        if (!t.isEmpty())
            tokens << t;
    }
    return tokens;
}

QString wordKey(const QString &token)
{
    QString key = token.toLower();
    if (fillerKey(key) || !std::any_of(key.begin(), key.end(), [](QChar c) { return c.isLetterOrNumber(); }))
        return {};
    if (key.size() >= 4 && key.endsWith(QLatin1Char('s')) && !key.endsWith(QLatin1String("ss")) && key[key.size() - 2].isLetter())
        key.chop(1);
    return key;
}

QSet<QString> contentWords(const QString &title)
{
    QSet<QString> keys;
    for (const QString &t : titleTokens(title)) {
        if (const QString k = wordKey(t); !k.isEmpty())
            keys.insert(k);
    }
    return keys;
}

bool namesNothing(const QString &key)
{
    static const QSet<QString> words = {QStringLiteral("you"), QStringLiteral("your"), QStringLiteral("all"), QStringLiteral("any"),
                                        QStringLiteral("use"), QStringLiteral("not"),  QStringLiteral("can"), QStringLiteral("will"),
                                        QStringLiteral("our"), QStringLiteral("more"), QStringLiteral("please"), QStringLiteral("free"),
                                        QStringLiteral("available"), QStringLiteral("getting"), QStringLiteral("purchased"), QStringLiteral("model"), QStringLiteral("must")};
    return words.contains(key);
}

bool numberOnly(const QString &token)
{
    return std::any_of(token.begin(), token.end(), [](QChar c) { return c.isDigit(); })
           && std::none_of(token.begin(), token.end(), [](QChar c) { return c.isLetter(); });
}

double relativePlace(int index, int count)
{
    return count > 1 ? double(index) / double(count - 1) : 0.0;
}

TitleOverlap titleOverlap(const QString &suggested, const QString &sellers)
{
    TitleOverlap o;
    const QSet<QString> s = contentWords(suggested), t = contentWords(sellers);
    if (t.isEmpty())
        return o; // nothing to compare with
    o.counted = true;
    if (s.isEmpty())
        return o;
    const auto shared = double(QSet<QString>(s).intersect(t).size());
    o.recall = shared / double(t.size());
    o.precision = shared / double(s.size());
    o.sharesWord = shared > 0;
    return o;
}

} // namespace listinglens
