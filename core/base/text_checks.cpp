#include "text_checks.h"

#include <QStringDecoder>

namespace listinglens {

namespace {

Error invalid(const QString &message)
{
    return {ErrorCode::InvalidArgument, message};
}

} // namespace

Result<QString> checkedText(const QString &text, const QString &what, int maxChars, bool multiline)
{
    if (text.size() > maxChars)
        return invalid(QStringLiteral("%1 is longer than %2 characters").arg(what).arg(maxChars));
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text[i].unicode();
        const bool allowedControl = multiline && (u == u'\n' || u == u'\t' || u == u'\r');
        if ((u < 0x20 && !allowedControl) || u == 0x7f || (u >= 0x80 && u < 0xa0))
            return invalid(QStringLiteral("%1 contains a control character").arg(what));
        if (u == 0xfffe || u == 0xffff)
            return invalid(QStringLiteral("%1 contains a non-character").arg(what));
        if (QChar::isHighSurrogate(u) && i + 1 < text.size() && QChar::isLowSurrogate(text[i + 1].unicode())) {
            ++i; // a pair: one character beyond the BMP
            continue;
        }
        if (QChar::isSurrogate(u))
            return invalid(QStringLiteral("%1 contains half of a UTF-16 surrogate pair").arg(what));
    }
    return text;
}

Result<QString> checkedText(const QByteArray &utf8, const QString &what, int maxChars, bool multiline)
{
    QStringDecoder decode(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decode(utf8);
    if (decode.hasError())
        return invalid(QStringLiteral("%1 is not valid UTF-8").arg(what));
    return checkedText(text, what, maxChars, multiline);
}

} // namespace listinglens
