// `import text from "./file?raw"`: the file's contents as a string (tsup plugin and vite both do this)
declare module "*?raw" {
  const text: string;
  export default text;
}
