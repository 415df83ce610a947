/** In production the answers are not parsed at run time (see ../answer.ts). */
export const checkAnswers: boolean = false;
