#include "price_text.h"

#include "photo_result.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

namespace listinglens::ui {

namespace {

// The figure as shown: what two prices are compared by.
QString amount(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("?");
    if (std::abs(value) >= 10)
        return QLocale().toString(qlonglong(std::llround(value)));
    const double cents = std::round(value * 100) / 100;
    return cents == std::trunc(cents) ? QLocale().toString(qlonglong(cents)) : QLocale().toString(cents, 'f', 2);
}

} // namespace

QString formatPrice(const QString &currency, double value)
{
    return currency.isEmpty() ? amount(value) : QStringLiteral("%1 %2").arg(currency, amount(value));
}

QString formatPrice(const QString &currency, const std::optional<double> &value)
{
    return value ? formatPrice(currency, *value) : QCoreApplication::translate("PriceText", "No price yet");
}

QString formatSuggestedPrice(const PriceSuggestion &price)
{
    return formatPrice(price.currency, price.figure());
}

QString formatPriceRange(const QString &currency, double low, double high)
{
    const QString from = amount(low), to = amount(high);
    if (from == to)
        return formatPrice(currency, low);
    return currency.isEmpty() ? QStringLiteral("%1 – %2").arg(from, to) : QStringLiteral("%1 %2 – %3").arg(currency, from, to);
}

QString suggestionRangeText(const PriceSuggestion &price)
{
    if (!price.figure() || amount(price.low) == amount(price.high))
        return {};
    return formatPriceRange(price.currency, price.low, price.high);
}

} // namespace listinglens::ui
