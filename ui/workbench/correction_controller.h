#pragma once

#include "photo_list_model.h"

#include <QObject>

#include <optional>

namespace listinglens::ui {

class DecisionController;
class ResultPanel;

// A correction in place (C): the result panel's correction editor opened on
// the photo shown, which is kept here as it was before. Saved (Enter), it is a
// decision like any other; cancelled (Esc, Ctrl+Z) or abandoned (another
// photo shown), the photo goes back to its choice before, and the suggestion
// chosen meanwhile is redone for it. Lives on the GUI thread.
class CorrectionController : public QObject {
    Q_OBJECT
public:
    CorrectionController(PhotoListModel *photos, ResultPanel *panel, DecisionController *decisions, QObject *parent = nullptr);

    bool isCorrecting() const;
    // Opens the editor on `item` (the photo shown, with a result).
    void begin(const PhotoItem &item);
    // The editor closed; the decision to make, on the photo as it was before,
    // unless the photo shown is no longer the one corrected.
    struct Saved {
        PhotoItem before;
        Decision decision;
    };
    std::optional<Saved> save();
    void cancel();  // the editor closed, the photo back to its choice before
    void abandon(); // the same, because another photo is shown

Q_SIGNALS:
    void correctingChanged(bool on); // the workbench's keys type into the editor meanwhile

private:
    void end();

    PhotoListModel *m_photos;
    ResultPanel *m_panel;
    DecisionController *m_decisions;
    PhotoItem m_before; // the photo being corrected, as it was before
};

} // namespace listinglens::ui
