// Fuzzes the catalogue CSV reader (what `listinglens import` parses) and the
// writer: every row read, written back with csvLine() and read again, must
// come back as the same fields (with the spreadsheet-formula guard applied).
#include "csv.h"

#include <QBuffer>
#include <QStringDecoder>

using listinglens::csvLine;
using listinglens::readCsv;

namespace {

// What csvLine() makes of the fields: UTF-8 (a UTF-16 file, which QTextStream
// detects by its byte-order mark, may hold lone surrogates) and the guard.
QStringList written(QStringList fields)
{
    for (QString &f : fields) {
        f = QStringDecoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom)(f.toUtf8());
        const QString blanksOff = f.trimmed();
        const bool formula = f.startsWith(QLatin1Char('\t')) || f.startsWith(QLatin1Char('\r'))
                             || (!blanksOff.isEmpty() && QStringLiteral("=+-@").contains(blanksOff[0]));
        if (formula)
            f.prepend(QLatin1Char('\''));
    }
    return fields;
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
        if (!complete || reread.size() != 2 || reread.last() != written(fields))
            __builtin_trap(); // csvLine wrote something readCsv reads differently
    }
    return 0;
}
