#pragma once

#include "error.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace listinglens::cli {

// A row of a CSV file with a header line: a field by its column's name, trimmed (empty when there is no such column).
using CsvField = std::function<QString(const char *name)>;

// Each row after the header, in order; the header, or why the file could not be read.
Result<QStringList> readCsvRows(const QString &path, const std::function<void(const CsvField &field)> &row);

} // namespace listinglens::cli
