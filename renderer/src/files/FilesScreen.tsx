export function FilesScreen({ fileId }: { fileId: string | null }) {
  void fileId
  return <main className="flex-1" />
}
