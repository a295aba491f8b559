export function iterationOrder(): void {}
