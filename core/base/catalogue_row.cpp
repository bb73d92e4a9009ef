#include "catalogue_row.h"

#include "text_checks.h"

#include <QFileInfo>

#include <cmath>

namespace listinglens {

namespace {

// A catalogue's text in a message: printable (a file may hold terminal
// escapes) and short.
QString shown(const QString &text)
{
    QString s = text.left(60);
    for (QChar &c : s)
        if (c.category() == QChar::Other_Control || c.isSurrogate())
            c = QLatin1Char('?');
    return text.size() > 60 ? s + QStringLiteral("...") : s;
}

bool inside(const QString &path, const QString &folder)
{
    return path.startsWith(folder + QLatin1Char('/'));
}

// The photo's absolute path, or why it is refused. Inside the folder only
// links are resolved, each one checked: a path's fate never depends on
// whether something outside the folder exists.
Result<QString> photoPath(const QString &given, const CatalogueRules &rules)
{
    auto text = checkedText(given, QStringLiteral("the photo path"), 4096);
    if (!text)
        return text.error();
    if (given.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("no photo path")};
    const QString base = QDir::cleanPath(rules.folder.absolutePath());
    const QString path = QDir::cleanPath(QFileInfo(given).isAbsolute() ? given : base + QLatin1Char('/') + given);
    if (rules.allowOutside)
        return path;
    const Error leaves{ErrorCode::InvalidArgument,
                       QStringLiteral("the photo path \"%1\" leaves the catalogue's folder (import --allow-outside takes photos from elsewhere)")
                           .arg(shown(given))};
    if (QFileInfo(given).isAbsolute() || !inside(path, base))
        return leaves;
    const QString realBase = QFileInfo(base).canonicalFilePath().isEmpty() ? base : QFileInfo(base).canonicalFilePath();
    for (qsizetype at = base.size() + 1; at <= path.size(); ++at) {
        if (at < path.size() && path[at] != QLatin1Char('/'))
            continue;
        const QFileInfo step(path.left(at));
        if (!step.isSymLink())
            continue;
        const QString target = step.canonicalFilePath(); // empty for a link that cannot be followed
        if (target.isEmpty() || !(inside(target, realBase) || target == realBase))
            return leaves;
    }
    return path;
}

Result<double> price(const QString &given)
{
    bool ok = false;
    const double value = given.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < 0 || value > kMaxPrice)
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("\"%1\" is not a price (a number from 0 to %2)").arg(shown(given)).arg(kMaxPrice, 0, 'g', 10)};
    return value;
}

} // namespace

Result<CatalogueRow> checkCatalogueRow(int line, const QStringList &fields, const CatalogueRules &rules)
{
    const auto refused = [line](const Error &e) { return Error{e.code, QStringLiteral("line %1: %2").arg(line).arg(e.message)}; };
    if (fields.size() < 3)
        return refused({ErrorCode::InvalidArgument, QStringLiteral("needs at least photo, category and price")});
    CatalogueRow row;
    row.line = line;
    const auto photo = photoPath(fields[0].trimmed(), rules);
    if (!photo)
        return refused(photo.error());
    row.photo = photo.value();
    row.categoryId = fields[1].trimmed();
    if (!rules.knownCategory || !rules.knownCategory(row.categoryId))
        return refused({ErrorCode::InvalidArgument, QStringLiteral("unknown category \"%1\"").arg(shown(row.categoryId))});
    const auto value = price(fields[2]);
    if (!value)
        return refused(value.error());
    row.price = value.value();
    const auto title = checkedText(fields.value(3).trimmed(), QStringLiteral("the title"), kMaxTitleChars);
    if (!title)
        return refused(title.error());
    const auto description = checkedText(fields.value(4).trimmed(), QStringLiteral("the description"), kMaxDescriptionChars, true);
    if (!description)
        return refused(description.error());
    row.title = title.value();
    row.description = description.value();
    return row;
}

} // namespace listinglens
