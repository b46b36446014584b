export function DeliverablesScreen({ deliverableId }: { deliverableId: string | null }) {
  void deliverableId
  return <main className="flex-1" />
}
