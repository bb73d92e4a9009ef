#pragma once

// Undo in the workbench: one QUndoCommand per step the moderator can take
// back, kept by DecisionController's QUndoStack. A command is pushed once its
// step is done (its first redo() does nothing, and the window offers no
// redo); undo() takes the step back, in the window and where the step went:
// a decision the store has is undone there (kept in its log, marked undone),
// also one written later into another database than the one in use then;
// one still kept on disk for its database is let go of before it is written.

#include "photo_list_model.h"

#include <QUndoCommand>

#include <memory>

namespace listinglens::ui {

class DecisionController;

// A decision on a photo as the undo stack keeps it: the photo before it, and
// where the decision went.
struct DecisionStep {
    PhotoItem before;
    int decisionKey = 0; // its name in the store worker once sent there (taken back there too)
};

// A decision: accepted or corrected (the two kinds below).
class DecisionCommand : public QUndoCommand {
public:
    int photoId() const { return m_step.before.id; }
    DecisionStep &step() { return m_step; }
    void redo() override {}
    void undo() override;

protected:
    DecisionCommand(DecisionController &desk, const DecisionStep &step);

private:
    DecisionController &m_desk;
    DecisionStep m_step;
};

// The suggestion accepted as it stood (Enter).
class AcceptCommand final : public DecisionCommand {
public:
    AcceptCommand(DecisionController &desk, const DecisionStep &step);
};

// A correction saved: another category, price or text (C, then Enter).
class CorrectCommand final : public DecisionCommand {
public:
    CorrectCommand(DecisionController &desk, const DecisionStep &step);
};

// The command for `made` (accepted or corrected) on the photo as `step` keeps it before.
std::unique_ptr<DecisionCommand> decisionCommand(DecisionController &desk, const DecisionStep &step, const Decision &made);

// A photo taken out of the strip (Delete): undo brings it back, result and
// decision, at its row.
class RemovalCommand final : public QUndoCommand {
public:
    RemovalCommand(DecisionController &desk, const PhotoItem &item, int row);
    int photoId() const { return m_item.id; }
    // Its row came while it was out: its decision (if any) is stored once it is back.
    void storedMeanwhile(qint64 predictionId, const QString &database);
    void redo() override {}
    void undo() override;

private:
    DecisionController &m_desk;
    PhotoItem m_item;
    int m_row = -1;
    bool m_storeDecision = false;
};

} // namespace listinglens::ui
