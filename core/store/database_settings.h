#pragma once

#include "error.h"
#include "prediction_store.h"

#include <QString>

namespace listinglens {

// What a database holds about itself (table database_settings): the one
// currency of its prices, chosen at the first import or in Settings. Every
// confirmed price, every price suggestion made on it and every figure read
// from it is in that currency; a catalogue in another is converted at an
// explicit rate or refused (import --rate).

// A currency code as the settings take it: three letters, upper case; empty when it is not one.
QString normalisedCurrency(const QString &code);

// The database's currency: the one chosen, else the one its confirmed prices
// are in when they are all in one; empty when neither says.
Result<QString> databaseCurrency(PredictionStore &store);

// Chooses the database's currency. Refused (InvalidArgument) for a code that
// is not three letters or when confirmed prices are stored in
// another currency: they cannot change currency without a rate. Returns the code stored.
Result<QString> chooseDatabaseCurrency(PredictionStore &store, const QString &code);

} // namespace listinglens
