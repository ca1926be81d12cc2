// The SAR panel of a case page: shown only to members with sar.read (tipping-off rules); filled by the SAR work.
export function CaseSarPanel(_props: { caseId: string }) {
  return null;
}
