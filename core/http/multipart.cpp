#include "multipart.h"

#include <QByteArrayMatcher>
#include <QByteArrayView>
#include <QFileInfo>
#include <QRegularExpression>

namespace listinglens {

QString cleanFileName(QString name)
{
    name = QFileInfo(name.replace(QLatin1Char('\\'), QLatin1Char('/'))).fileName();
    name.remove(QRegularExpression(QStringLiteral("[\\x00-\\x1f\\x7f]")));
    name = name.left(255);
    return name.isEmpty() ? QStringLiteral("upload") : name;
}

QString headerParameter(const QByteArray &header, const QByteArray &parameter)
{
    const QRegularExpression re(QStringLiteral("(?:^|;)\\s*%1=(?:\"([^\"]*)\"|([^;\\s]*))").arg(QString::fromLatin1(parameter)),
                                QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(QString::fromUtf8(header));
    if (!m.hasMatch())
        return {};
    return m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
}

namespace {

// What one part's head may be: a form's part has two or three fields.
constexpr qsizetype kMaxPartHeadBytes = 8 * 1024;
constexpr int kMaxPartHeadLines = 16;
constexpr int kMaxParts = 64;

Error malformed(const QString &why)
{
    return {ErrorCode::InvalidArgument, QStringLiteral("the multipart/form-data body is malformed: %1").arg(why)};
}

// The fields of one part's head (`head` without its blank line), into `part`
// and `disposition`; false past kMaxPartHeadLines.
bool readPartHead(QByteArrayView head, Upload &part, QByteArray &disposition)
{
    int lines = 0;
    while (!head.isEmpty()) {
        if (++lines > kMaxPartHeadLines)
            return false;
        const qsizetype eol = head.indexOf('\n');
        const QByteArrayView line = eol < 0 ? head : head.first(eol);
        head = eol < 0 ? QByteArrayView() : head.sliced(eol + 1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.first(colon).trimmed().toByteArray().toLower();
        const QByteArray value = line.sliced(colon + 1).trimmed().toByteArray();
        if (name == "content-disposition")
            disposition = value;
        else if (name == "content-type")
            part.contentType = QString::fromLatin1(value).toLower();
    }
    return true;
}

} // namespace

// One pass over the body, whatever it holds: each part's head is looked for
// within kMaxPartHeadBytes, each delimiter found once (Boyer-Moore), and
// nothing is copied but the photo.
Result<Upload> photoPart(const QByteArray &body, const QByteArray &contentType)
{
    const QString boundary = headerParameter(contentType, "boundary");
    if (boundary.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("multipart/form-data without a boundary")};
    if (boundary.size() > 70) // RFC 2046
        return Error{ErrorCode::InvalidArgument, QStringLiteral("the multipart boundary is longer than 70 characters")};
    const QByteArray delimiter = "--" + boundary.toUtf8();
    const QByteArrayMatcher nextDelimiter("\r\n" + delimiter);
    const QByteArrayMatcher headEnd(QByteArrayLiteral("\r\n\r\n"));
    const QByteArrayView all(body);
    const auto from = [&all](qsizetype at) { return all.sliced(std::min(at, all.size())); };
    qsizetype pos = 0;
    Upload photo;
    bool foundPhoto = false;
    if (!all.startsWith(delimiter)) { // a preamble first
        pos = nextDelimiter.indexIn(body);
        if (pos < 0)
            return Error{ErrorCode::InvalidArgument, QStringLiteral("the form has no \"photo\" field")};
        pos += 2;
    }
    for (int parts = 0;; ++parts) {
        pos += delimiter.size();
        if (from(pos).startsWith("--"))
            break; // the closing delimiter
        if (parts >= kMaxParts)
            return malformed(QStringLiteral("it has more than %1 parts").arg(kMaxParts));
        // Transport padding may follow a delimiter, then its line end.
        const QByteArrayView rest = from(pos);
        const qsizetype lineEnd = rest.first(std::min<qsizetype>(rest.size(), 80)).indexOf("\r\n");
        if (lineEnd < 0)
            return malformed(QStringLiteral("a delimiter is not followed by a line end"));
        pos += lineEnd; // at that line end, which ends the head too when the head is empty
        const qsizetype window = std::min(kMaxPartHeadBytes + 4, all.size() - pos);
        const qsizetype found = headEnd.indexIn(body.constData() + pos, window);
        if (found < 0)
            return malformed(QStringLiteral("a part's head is longer than %1 bytes or never ends").arg(kMaxPartHeadBytes));
        Upload part;
        QByteArray disposition;
        if (!readPartHead(found >= 2 ? all.sliced(pos + 2, found - 2) : QByteArrayView(), part, disposition))
            return malformed(QStringLiteral("a part's head has more than %1 lines").arg(kMaxPartHeadLines));
        const qsizetype dataStart = pos + found + 4;
        const qsizetype dataEnd = nextDelimiter.indexIn(body, dataStart);
        if (dataEnd < 0)
            return malformed(QStringLiteral("the last part is not closed"));
        if (headerParameter(disposition, "name") == QLatin1String("photo")) {
            // A second photo would leave which one is classified to chance: refused, whatever it holds.
            if (foundPhoto)
                return Error{ErrorCode::InvalidArgument, QStringLiteral("the form has more than one \"photo\" field; send one photo per job")};
            foundPhoto = true;
            photo = std::move(part);
            photo.bytes = body.mid(dataStart, dataEnd - dataStart);
            photo.fileName = headerParameter(disposition, "filename");
        }
        pos = dataEnd + 2;
    }
    if (!foundPhoto)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("the form has no \"photo\" field")};
    return photo;
}

} // namespace listinglens
