// Fuzzes the catalogue CSV reader (what `listinglens import` parses) and the
// writer: every row read, written back with csvLine() and read again, must
// come back as the same fields, the spreadsheet-formula guard aside, with
// nothing left that a spreadsheet would run.
#include "csv.h"

#include <QBuffer>
#include <QStringDecoder>

using listinglens::csvLine;
using listinglens::looksLikeFormula;
using listinglens::readCsv;

namespace {

// A field as it went into csvLine(): UTF-8 (a UTF-16 file, which QTextStream
// detects by its byte-order mark, may hold lone surrogates).
QString asUtf8(const QString &field)
{
    return QStringDecoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom)(field.toUtf8());
}

QString withoutApostrophes(QString field)
{
    return field.remove(QLatin1Char('\''));
}

// What csvLine() promises, read back: nothing any spreadsheet would run as a
// formula, whatever its separator, and the same text but for apostrophes.
bool keptItsPromise(const QStringList &fields, const QStringList &read)
{
    if (fields.size() != read.size())
        return false;
    for (qsizetype i = 0; i < fields.size(); ++i)
        if (looksLikeFormula(read[i]) || withoutApostrophes(read[i]) != withoutApostrophes(asUtf8(fields[i])))
            return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer in(&bytes);
    in.open(QIODevice::ReadOnly);
    QList<QStringList> rows;
    int lastLine = 0;
    readCsv(in, [&](int line, const QStringList &fields) {
        if (line < 1 || line < lastLine)
            __builtin_trap(); // line numbers start at 1 and never go back
        lastLine = line;
        rows << fields;
    });

    for (const QStringList &fields : std::as_const(rows)) {
        // After a first line, as in an export: a byte-order mark is dropped only at the start.
        QByteArray line = "first\r\n" + csvLine(fields);
        QBuffer again(&line);
        again.open(QIODevice::ReadOnly);
        QList<QStringList> reread;
        const bool complete = readCsv(again, [&](int, const QStringList &f) { reread << f; });
        if (!complete || reread.size() != 2 || !keptItsPromise(fields, reread.last()))
            __builtin_trap(); // csvLine wrote something readCsv reads differently
    }
    return 0;
}
