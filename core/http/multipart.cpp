#include "multipart.h"

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

Result<Upload> photoPart(const QByteArray &body, const QByteArray &contentType)
{
    const QString boundary = headerParameter(contentType, "boundary");
    if (boundary.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("multipart/form-data without a boundary")};
    const QByteArray delimiter = "--" + boundary.toUtf8();
    qsizetype pos = body.indexOf(delimiter);
    while (pos >= 0) {
        pos += delimiter.size();
        if (body.mid(pos, 2) == "--")
            break; // the closing delimiter
        const qsizetype headEnd = body.indexOf("\r\n\r\n", pos);
        const qsizetype next = body.indexOf("\r\n" + delimiter, pos);
        if (headEnd < 0 || next < 0 || next < headEnd)
            break;
        Upload part;
        QByteArray disposition;
        for (const QByteArray &line : body.mid(pos, headEnd - pos).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-disposition")
                disposition = value;
            else if (name == "content-type")
                part.contentType = QString::fromLatin1(value).toLower();
        }
        if (headerParameter(disposition, "name") == QLatin1String("photo")) {
            part.bytes = body.mid(headEnd + 4, next - headEnd - 4);
            part.fileName = headerParameter(disposition, "filename");
            return part;
        }
        pos = next + 2;
    }
    return Error{ErrorCode::InvalidArgument, QStringLiteral("the form has no \"photo\" field")};
}

} // namespace listinglens
