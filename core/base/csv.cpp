#include "csv.h"

#include <QIODevice>
#include <QTextStream>

#include <algorithm>

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

namespace {

// Characters a spreadsheet may split a line's cells on: the usual list
// separators of every locale, the ones CSV import dialogs offer, line breaks.
bool isSeparator(QChar c)
{
    switch (c.unicode()) {
    case u',': case u';': case u'\t': case u'|': case u'\n': case u'\r':
    case u'\u060C': case u'\u061B': // Arabic comma and semicolon
        return true;
    default:
        return false;
    }
}

// Where each cell that begins with one of `triggers` begins in `f`: 0, or
// the index after its separator; with `leadingControl`, 0 as well when `f`
// starts with a tab or a CR.
QList<qsizetype> formulaCells(const QString &f, QStringView triggers, bool leadingControl)
{
    QList<qsizetype> starts;
    for (qsizetype start = 0; start <= f.size();) {
        qsizetype i = start;
        while (i < f.size() && (f[i] == QLatin1Char(' ') || f[i] == QChar(0xA0) || f[i] == QLatin1Char('"')))
            ++i;
        if (i < f.size() && triggers.contains(f[i]))
            starts << start;
        while (i < f.size() && !isSeparator(f[i]))
            ++i;
        start = i + 1; // past the separator: the next cell
    }
    if (leadingControl && !f.isEmpty() && (f[0] == QLatin1Char('\t') || f[0] == QLatin1Char('\r'))
        && (starts.isEmpty() || starts.first() != 0))
        starts.prepend(0);
    return starts;
}

constexpr QStringView kFormulaStarts = u"=+-@";

} // namespace

bool beginsACellWith(const QString &field, QStringView characters)
{
    return !formulaCells(field, characters, false).isEmpty();
}

bool looksLikeFormula(const QString &field)
{
    return !formulaCells(field, kFormulaStarts, true).isEmpty();
}

QString neutralisedForSpreadsheets(const QString &field)
{
    const QList<qsizetype> starts = formulaCells(field, kFormulaStarts, true);
    QString out = field;
    for (auto it = starts.crbegin(); it != starts.crend(); ++it) // from the end: earlier indexes stay valid
        out.insert(*it, QLatin1Char('\''));
    return out;
}

QByteArray csvLine(const QStringList &fields)
{
    QStringList out;
    for (const QString &field : fields) {
        QString f = neutralisedForSpreadsheets(field);
        if (f.contains(QLatin1Char('"')) || std::any_of(f.cbegin(), f.cend(), isSeparator))
            f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
        out << f;
    }
    return out.join(QLatin1Char(',')).toUtf8() + "\r\n";
}

} // namespace listinglens
