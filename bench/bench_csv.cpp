#include "bench_csv.h"

#include "csv.h"

#include <QFile>

namespace listinglens::cli {

Result<QStringList> readCsvRows(const QString &path, const std::function<void(const CsvField &field)> &row)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, f.errorString())};
    QStringList header;
    const bool ok = readCsv(f, [&](int, const QStringList &fields) {
        if (header.isEmpty()) {
            header = fields;
            return;
        }
        row([&](const char *name) { return fields.value(header.indexOf(QLatin1String(name))).trimmed(); });
    });
    if (!ok)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("%1 is not a CSV file").arg(path)};
    return header;
}

} // namespace listinglens::cli
