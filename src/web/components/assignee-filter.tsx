// The "Assignee" filter of a work queue (support inbox, KYC reviews, screening hits): anyone, me or unassigned.
export function AssigneeFilter() {
  return (
    <label className="field">
      <span className="field-label">Assignee</span>
      <select className="input" name="assignee" defaultValue="anyone">
        <option value="anyone">Anyone</option>
        <option value="me">Me</option>
        <option value="unassigned">Unassigned</option>
      </select>
    </label>
  );
}
