#include "csv.h"

#include <QIODevice>
#include <QTextStream>

namespace listinglens {

bool readCsv(QIODevice &device, const std::function<void(int line, const QStringList &fields)> &row)
{
    QTextStream in(&device);
    in.setEncoding(QStringConverter::Utf8);
    QStringList fields;
    QString field;
    bool quoted = false, fieldStarted = false;
    int line = 1, rowStart = 1;
    auto endField = [&] {
        fields << field;
        field.clear();
        fieldStarted = false;
    };
    auto endRow = [&] {
        endField();
        if (!(fields.size() == 1 && fields.first().isEmpty())) // skip blank lines
            row(rowStart, fields);
        fields.clear();
        rowStart = line;
    };
    const QString text = in.readAll();
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            endField();
        } else if (c == QLatin1Char('\n')) {
            ++line;
            endRow();
        } else if (c != QLatin1Char('\r')) {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        return false;
    if (fieldStarted || !fields.isEmpty())
        endRow();
    return true;
}

bool looksLikeFormula(const QString &f)
{
    // OWASP's list: = + - @, and a leading tab or CR; spreadsheets also skip
    // leading blanks before they look, so " =cmd" counts too.
    if (f.isEmpty())
        return false;
    if (f[0] == QLatin1Char('\t') || f[0] == QLatin1Char('\r'))
        return true;
    qsizetype i = 0;
    while (i < f.size() && f[i].isSpace())
        ++i;
    return i < f.size() && QStringLiteral("=+-@").contains(f[i]);
}

QByteArray csvLine(const QStringList &fields)
{
    QStringList out;
    for (QString f : fields) {
        if (looksLikeFormula(f))
            f.prepend(QLatin1Char('\''));
        if (f.contains(QLatin1Char(',')) || f.contains(QLatin1Char('"')) || f.contains(QLatin1Char('\n')) || f.contains(QLatin1Char('\r')))
            f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
        out << f;
    }
    return out.join(QLatin1Char(',')).toUtf8() + "\r\n";
}

} // namespace listinglens
