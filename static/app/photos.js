// Photos leave the phone small (issue 10): the long edge at most 2,500 px, JPEG, and at most
// 1 MB, lowering the quality until it fits. PDFs and what the browser cannot draw (HEIC in
// most browsers) go as they are; the server judges every file by its content anyway.
export const LONG_EDGE = 2500;
export const MAX_BYTES = 1000 * 1000;
const SHRINKABLE = new Set(["image/jpeg", "image/png"]);
const QUALITIES = [0.85, 0.78, 0.7, 0.62, 0.54, 0.46, 0.38];

function jpegName(name) {
  const stem = (name || "foto").replace(/\.[^.]*$/, "");
  return `${stem}.jpg`;
}

function canvasOf(width, height) {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function encode(canvas, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

export async function shrinkPhoto(file) {
  if (!SHRINKABLE.has(file.type) || typeof createImageBitmap === "undefined") return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (error) {
    return file;
  }
  const longest = Math.max(bitmap.width, bitmap.height);
  if (longest <= LONG_EDGE && file.size <= MAX_BYTES) {
    bitmap.close();
    return file;
  }
  const scale = Math.min(1, LONG_EDGE / longest);
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = canvasOf(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // a transparent PNG gets a white page, not a black one
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  let blob = null;
  for (const quality of QUALITIES) {
    blob = await encode(canvas, quality);
    if (blob && blob.size <= MAX_BYTES) break;
  }
  if (!blob || (longest <= LONG_EDGE && blob.size >= file.size)) return file;
  return new File([blob], jpegName(file.name), { type: "image/jpeg", lastModified: Date.now() });
}
